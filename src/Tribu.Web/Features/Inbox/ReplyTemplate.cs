using System.Text;
using System.Text.RegularExpressions;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// The variables a saved reply may use, written <c>{name}</c>: checked when the reply is saved (an unknown or unclosed one
/// is refused then, never when sending) and filled from the item when it is chosen. <c>{{</c> and <c>}}</c> write braces.
/// </summary>
public static partial class ReplyTemplate
{
    /// <summary>Every variable, in the order the editor lists them.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "first_name", "name", "handle", "topic_title", "item_url", "agent_name", "agent_first_name", "community_name",
        "ticket_id", "ticket_url", "helpdesk_name",
    ];

    /// <summary>A fault in a template: a <c>UiStrings</c> key, the variable (or text) at fault, and its position (0-based).</summary>
    public sealed record Problem(string Key, string Token, int Position);

    public static IReadOnlyList<Problem> Validate(string? template)
    {
        var problems = new List<Problem>();
        Walk(template ?? "", _ => "", problems);
        return problems;
    }

    /// <summary>Fills the variables; a variable without a value (no ticket yet) becomes empty text.</summary>
    public static string Render(string? template, IReadOnlyDictionary<string, string?> values)
    {
        var problems = new List<Problem>();
        return Walk(template ?? "", name => values.TryGetValue(name, out var v) ? v ?? "" : "", problems);
    }

    private static string Walk(string template, Func<string, string> value, List<Problem> problems)
    {
        var output = new StringBuilder(template.Length);
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                output.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                output.Append('}');
                i += 2;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                var nextOpen = template.IndexOf('{', i + 1);
                if (end < 0 || (nextOpen >= 0 && nextOpen < end))
                {
                    problems.Add(new("Inbox.Template.Unclosed", template.Substring(i, Math.Min(20, template.Length - i)), i));
                    output.Append(c);
                    i++;
                    continue;
                }
                var name = template[(i + 1)..end].Trim();
                if (!Variables.Contains(name, StringComparer.Ordinal))
                {
                    problems.Add(new(NamePattern().IsMatch(name) ? "Inbox.Template.Unknown" : "Inbox.Template.Invalid", "{" + name + "}", i));
                }
                else
                {
                    output.Append(value(name));
                }
                i = end + 1;
            }
            else if (c == '}')
            {
                problems.Add(new("Inbox.Template.StrayBrace", "}", i));
                output.Append(c);
                i++;
            }
            else
            {
                output.Append(c);
                i++;
            }
        }
        return output.ToString();
    }

    [GeneratedRegex("^[a-z_]{1,40}$")]
    private static partial Regex NamePattern();
}
