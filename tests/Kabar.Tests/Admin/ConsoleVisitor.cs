using System.Net;
using System.Text.RegularExpressions;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Admin;

/// <summary>
/// A browser on one computer, reaching the console over plain HTTP through the trusted proxy on
/// 127.0.0.1, which names the computer's address in X-Forwarded-For. Keeps its own cookies.
/// </summary>
internal sealed partial class ConsoleVisitor : IDisposable
{
    public const string CookieName = "kabar-admin";

    /// <summary>The settings a Kabar needs for visitors: the proxy trusted, cookies without Secure (plain HTTP), no form limit in the way.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Kabar:Network:KnownProxies:0"] = "127.0.0.1",
        ["Kabar:Admin:SecureCookies"] = "false",
        ["Kabar:Citizens:FormPostsPerIp"] = "1000",
    };

    private readonly HttpClient client;

    public ConsoleVisitor(KabarApp app, string address)
    {
        BaseAddress = new Uri(app.BaseUrl);
        client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", address);
    }

    public Uri BaseAddress { get; }

    public CookieContainer Cookies { get; } = new();

    /// <summary>The console session cookie's value, as someone copying it would have it.</summary>
    public string? SessionCookie => Cookies.GetCookies(BaseAddress)[CookieName]?.Value;

    public sealed record Answer(HttpStatusCode Status, string? Alert, string? Location);

    public async Task<Answer> SignInAsync(string email, string password)
    {
        var page = await client.GetStringAsync("/admin/login");
        using var response = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(page),
        }));
        var body = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, AlertOf(body), response.Headers.Location?.ToString());
    }

    public async Task<Answer> GetAsync(string path)
    {
        using var response = await client.GetAsync(path);
        return new Answer(response.StatusCode, AlertOf(await response.Content.ReadAsStringAsync()), response.Headers.Location?.ToString());
    }

    /// <summary>A page's HTML, whatever its status.</summary>
    public async Task<(HttpStatusCode Status, string Html)> PageAsync(string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Submits a form of <paramref name="page"/> to <paramref name="action"/> with its antiforgery token, as the browser would.</summary>
    public async Task<(Answer Answer, string Html)> PostFormAsync(string page, string action, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var html = await client.GetStringAsync(page);
        fields["__RequestVerificationToken"] = Forms.AntiforgeryToken(html);
        using var response = await client.PostAsync(action, new FormUrlEncodedContent(fields));
        var body = await response.Content.ReadAsStringAsync();
        return (new Answer(response.StatusCode, AlertOf(body), response.Headers.Location?.ToString()), body);
    }

    /// <summary>The sign-out button of a console page.</summary>
    public async Task<Answer> SignOutAsync()
    {
        var page = await client.GetStringAsync("/admin");
        using var response = await client.PostAsync("/admin/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(page),
        }));
        return new Answer(response.StatusCode, null, response.Headers.Location?.ToString());
    }

    public void Dispose() => client.Dispose();

    [GeneratedRegex("role=\"alert\"[^>]*>\\s*<p>([^<]*)</p>")]
    private static partial Regex Alert();

    private static string? AlertOf(string html) => Alert().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
}
