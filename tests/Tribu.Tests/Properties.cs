// The browser and multi-factory tests are heavy on a 2-core machine: collections run two at a time (xunit.runner.json).
[assembly: CaptureConsole]
