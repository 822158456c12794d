using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace Kabar.Tests.Admin;

/// <summary>What the console tests share: operators and signing in through the real pages.</summary>
internal static class Console
{
    public const string Password = "correct horse battery";

    public static async Task<ConsoleUser> AddOperatorAsync(KabarApp app, string email, string role = OperatorRoles.Admin)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OperatorStore>().CreateAsync(email, role, Password, CancellationToken.None);
    }

    public static async Task SignInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/admin/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Kata sandi").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Masuk", Exact = true }).ClickAsync();
    }

    /// <summary>An HTTP client signed in to the console as a new operator of <paramref name="role"/>, through the real sign-in form.</summary>
    public static async Task<HttpClient> SignedInClientAsync(KabarApp app, string email, string role)
    {
        await AddOperatorAsync(app, email, role);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var page = await client.GetAsync("/admin/login");
        var form = await page.Content.ReadAsStringAsync();
        Assert.True(page.IsSuccessStatusCode, $"/admin/login answered {(int)page.StatusCode}:\n"
            + string.Join("\n", app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal))));
        using var signIn = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = Password,
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(form),
        }));
        Assert.True(signIn.IsSuccessStatusCode, $"{signIn.StatusCode}");
        return client;
    }

    /// <summary>Opens "Lainnya" in the console's menu, where the pages not used every day are.</summary>
    public static async Task OpenMoreAsync(IPage page)
    {
        var more = page.GetByRole(AriaRole.Navigation, new() { Name = "Menu konsol" }).Locator("details.more");
        if (await more.GetAttributeAsync("open") is null)
        {
            await more.Locator("summary").ClickAsync();
        }
    }

    /// <summary>The code an authenticator app shows now (on the test's clock).</summary>
    public static string CodeNow(KabarApp app, string key) =>
        new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(app.Time.GetUtcNow().UtcDateTime);
}
