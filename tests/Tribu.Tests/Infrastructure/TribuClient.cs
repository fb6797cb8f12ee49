using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Tribu.Tests.Infrastructure;

/// <summary>
/// An HTTP client that behaves like a browser without JavaScript: keeps cookies, reads pages, and submits
/// server-rendered forms with their antiforgery token and form name, as a person pressing the button would.
/// </summary>
public sealed class TribuClient(HttpClient http, string? acceptLanguage) : IDisposable
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Http { get; } = Configure(http, acceptLanguage);

    private static HttpClient Configure(HttpClient client, string? language)
    {
        if (language is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", language);
        }
        return client;
    }

    public async Task<Page> GetAsync(string url)
    {
        var response = await Http.GetAsync(url);
        return new Page(response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Follows local redirects, like a browser after a form post.</summary>
    public async Task<Page> FollowAsync(HttpResponseMessage response)
    {
        var hops = 0;
        while (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect && hops++ < 5)
        {
            var location = response.Headers.Location!;
            response = await Http.GetAsync(location);
        }
        return new Page(response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Opens <paramref name="pageUrl"/>, fills the form named <paramref name="formName"/> and submits it.</summary>
    public Task<HttpResponseMessage> SubmitAsync(string pageUrl, string formName, IDictionary<string, string> fields) =>
        SubmitFormAsync(pageUrl, f => (f.QuerySelector("input[name=_handler]") as IHtmlInputElement)?.Value == formName, fields, $"named '{formName}'");

    /// <summary>Submits the first form of the page that <paramref name="match"/> picks (a plain HTML form, say).</summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string pageUrl, Func<IHtmlFormElement, bool> match, IDictionary<string, string> fields, string description = "")
    {
        var page = await GetAsync(pageUrl);
        page.Status.ShouldBe(HttpStatusCode.OK, $"{pageUrl} should open before its form is submitted");
        var form = page.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>().FirstOrDefault(match)
            ?? throw new InvalidOperationException($"No form {description} on {pageUrl}.");
        var values = new Dictionary<string, string>();
        foreach (var input in form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>())
        {
            values[input.Name!] = input.Value;
        }
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? pageUrl : form.GetAttribute("action")!;
        return await Http.PostAsync(action, new FormUrlEncodedContent(values));
    }

    /// <summary>Like <see cref="SubmitAsync"/>, as multipart/form-data with one file, the way a browser sends a form with a file field.</summary>
    public Task<HttpResponseMessage> SubmitWithFileAsync(string pageUrl, string formName, IDictionary<string, string> fields, string fileField, string fileName, byte[] bytes, string contentType) =>
        SubmitFormWithFileAsync(pageUrl, f => (f.QuerySelector("input[name=_handler]") as IHtmlInputElement)?.Value == formName, fields, fileField, fileName, bytes, contentType);

    /// <summary>Like <see cref="SubmitFormAsync"/>, as multipart/form-data with one file.</summary>
    public async Task<HttpResponseMessage> SubmitFormWithFileAsync(string pageUrl, Func<IHtmlFormElement, bool> match, IDictionary<string, string> fields, string fileField, string fileName, byte[] bytes, string contentType)
    {
        var page = await GetAsync(pageUrl);
        page.Status.ShouldBe(HttpStatusCode.OK, $"{pageUrl} should open before its form is submitted");
        var form = page.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>().FirstOrDefault(match)
            ?? throw new InvalidOperationException($"No such form on {pageUrl}.");
        using var content = new MultipartFormDataContent();
        var values = form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (name, value) in fields) values[name] = value;
        foreach (var (name, value) in values) content.Add(new StringContent(value), name);
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        content.Add(file, fileField, fileName);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? pageUrl : form.GetAttribute("action")!;
        return await Http.PostAsync(action, content);
    }

    public async Task<Page> SubmitAndFollowAsync(string pageUrl, string formName, IDictionary<string, string> fields) =>
        await FollowAsync(await SubmitAsync(pageUrl, formName, fields));

    /// <summary>Logs in through the log-in page.</summary>
    public async Task<Page> LogInAsync(string email, string password) =>
        await SubmitAndFollowAsync("/account/login", "login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    public void Dispose() => Http.Dispose();

    public sealed class Page(HttpResponseMessage response, string html)
    {
        public HttpResponseMessage Response { get; } = response;
        public HttpStatusCode Status => Response.StatusCode;
        public string Html { get; } = html;
        public IHtmlDocument Document { get; } = Parser.ParseDocument(html);
        public string Text => Document.Body?.TextContent ?? "";
        public string? Title => Document.Title;

        /// <summary>The visible error message for a form field (its id is "&lt;Field&gt;-error").</summary>
        public string? FieldError(string field) => Document.GetElementById($"{field}-error")?.TextContent.Trim();
    }
}
