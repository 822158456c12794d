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
        var form = await client.GetStringAsync("/admin/login");
        using var signIn = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = Password,
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(form),
        }));
        Assert.True(signIn.IsSuccessStatusCode, $"{signIn.StatusCode}");
        return client;
    }

    /// <summary>The code an authenticator app shows now (on the test's clock).</summary>
    public static string CodeNow(KabarApp app, string key) =>
        new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(app.Time.GetUtcNow().UtcDateTime);
}
