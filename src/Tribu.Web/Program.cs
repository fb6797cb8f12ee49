using Tribu.Web.Platform;
using Tribu.Web.Platform.Cli;

// Operator verbs (migrate, create-admin, seed-demo, backup) share this executable.
if (TribuCli.IsCommand(args))
{
    return await TribuCli.RunAsync(args);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddTribu();
    var app = builder.Build();
    app.MapTribu();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.IsReportable(ex))
{
    StartupFailure.Report(ex);
    return 1;
}

/// <summary>The web entry point; public so that tests can host it.</summary>
public partial class Program;
