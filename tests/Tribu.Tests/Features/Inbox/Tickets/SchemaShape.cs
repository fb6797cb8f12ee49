using System.Text.Json;

namespace Tribu.Tests.Features.Inbox.Tickets;

/// <summary>
/// Holds a real payload against the documented JSON Schema (docs/): every object has exactly the properties the schema
/// requires and lists, every enum or const value is one the schema names, every array's items follow its item schema.
/// Not a full validator: enough that the code and the document cannot drift apart unnoticed.
/// </summary>
internal static class SchemaShape
{
    public static JsonElement Load(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", file);
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        }
        throw new FileNotFoundException($"docs/{file} not found above {AppContext.BaseDirectory}");
    }

    public static void ShouldMatch(JsonElement value, JsonElement schema, string at = "$")
    {
        if (schema.TryGetProperty("const", out var constant)) value.ToString().ShouldBe(constant.ToString(), at);
        if (schema.TryGetProperty("enum", out var choices) && value.ValueKind != JsonValueKind.Null)
        {
            var text = value.ToString();
            choices.EnumerateArray().Select(c => c.ToString()).ShouldContain(c => c == text, $"{at} is one of the documented values");
        }
        if (schema.TryGetProperty("properties", out var properties))
        {
            value.ValueKind.ShouldBe(JsonValueKind.Object, at);
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).Order().ToList() : [];
            string.Join(", ", value.EnumerateObject().Select(p => p.Name).Order()).ShouldBe(string.Join(", ", required), $"{at} has exactly the documented properties");
            foreach (var property in value.EnumerateObject())
            {
                properties.TryGetProperty(property.Name, out var child).ShouldBeTrue($"{at}.{property.Name} is documented");
                ShouldMatch(property.Value, child, $"{at}.{property.Name}");
            }
        }
        if (schema.TryGetProperty("items", out var items) && value.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var element in value.EnumerateArray()) ShouldMatch(element, items, $"{at}[{i++}]");
        }
    }
}
