using System.Text.Json;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Privacy;

/// <summary>The console's data subject actions in Chromium: an admin exports, corrects and erases; the register lists it all.</summary>
public sealed class DataSubjectConsoleTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 1280)
{
    [Fact]
    public async Task Admin_ExportsCorrectsAndErases_WithAConfirmation_AndTheRegisterShowsWhoDidIt()
    {
        var id = await App.CreateContactAsync("+6281277775060", optedIn: true, email: "dewi@example.id");
        await AddOperatorAsync(App, "dpo@karokab.go.id", OperatorRoles.Admin);
        await SignInAsync(Page, "dpo@karokab.go.id");
        await Page.GotoAsync($"/admin/contacts/{id}");

        // Access: a JSON file of everything held.
        var download = await Page.RunAndWaitForDownloadAsync(() =>
            Page.GetByRole(AriaRole.Button, new() { Name = "Unduh JSON" }).ClickAsync());
        Assert.Equal($"kabar-contact-{id}.json", download.SuggestedFilename);
        await using (var stream = await download.CreateReadStreamAsync())
        {
            var export = await JsonDocument.ParseAsync(stream);
            Assert.Equal("+6281277775060", export.RootElement.GetProperty("contact").GetProperty("phone").GetString());
            Assert.Equal("granted", export.RootElement.GetProperty("contact").GetProperty("consent").GetProperty("whatsapp").GetString());
        }

        // Rectification.
        await Page.GetByLabel("Nama", new() { Exact = true }).FillAsync("Dewi Lestari");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Simpan perbaikan" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("diperbaiki");
        await Assertions.Expect(Page.Locator("h1")).ToContainTextAsync("Dewi Lestari");

        // Erasure: the wrong confirmation changes nothing; the last four digits erase.
        await Page.GetByLabel("Ketik 4 angka terakhir nomor HP untuk memastikan").FillAsync("1234");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Hapus data orang ini" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Ketik 5060");
        Assert.Null(await App.WithDbAsync(db => db.Contacts.Where(c => c.Id == id).Select(c => c.ErasedAt).SingleAsync()));

        await Page.GetByLabel("Ketik 4 angka terakhir nomor HP untuk memastikan").FillAsync("5060");
        await Page.GetByLabel("Nomor surat/tiket (opsional)").Last.FillAsync("PDP/2026/031");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Hapus data orang ini" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("erased")).ToHaveTextAsync("Data dihapus");
        Assert.Equal(0, await Page.GetByTestId("erase-form").CountAsync());
        Assert.DoesNotContain("Dewi", await Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(Page, "admin-contact-erased");

        // The register, from the menu.
        await Kabar.Tests.Admin.Console.OpenMoreAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Permintaan data" }).ClickAsync();
        var rows = Page.GetByTestId("requests").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        var text = await Page.GetByTestId("requests").InnerTextAsync();
        Assert.Contains("operator:dpo@karokab.go.id", text, StringComparison.Ordinal);
        Assert.Contains("PDP/2026/031", text, StringComparison.Ordinal);
        Assert.Equal("penghapusan", await rows.First.Locator("td").Nth(2).InnerTextAsync());
        await Browser.ScreenshotAsync(Page, "admin-requests");
    }

    [Fact]
    public async Task Operator_SeesNoDataSubjectActions_AndCannotOpenTheRegister()
    {
        var id = await App.CreateContactAsync("+6281277775061", optedIn: false);
        await AddOperatorAsync(App, "petugas2@karokab.go.id", OperatorRoles.Operator);
        await SignInAsync(Page, "petugas2@karokab.go.id");
        await Page.GotoAsync($"/admin/contacts/{id}");
        Assert.Equal(0, await Page.GetByTestId("erase-form").CountAsync());
        await Kabar.Tests.Admin.Console.OpenMoreAsync(Page);
        Assert.Equal(0, await Page.GetByRole(AriaRole.Link, new() { Name = "Permintaan data" }).CountAsync());

        var token = await Page.EvaluateAsync<string>("document.querySelector('input[name=__RequestVerificationToken]').value");
        var forged = await Page.APIRequest.PostAsync($"/admin/contacts/{id}?handler=Erase", new()
        {
            Form = Page.APIRequest.CreateFormData().Set("ConfirmErase", "5061").Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(302, forged.Status);
        Assert.Contains("/admin/denied", forged.Headers["location"], StringComparison.Ordinal);
        Assert.Null(await App.WithDbAsync(db => db.Contacts.Where(c => c.Id == id).Select(c => c.ErasedAt).SingleAsync()));

        var register = await Page.APIRequest.GetAsync("/admin/requests", new() { MaxRedirects = 0 });
        Assert.Equal(302, register.Status);
        Assert.Contains("/admin/denied", register.Headers["location"], StringComparison.Ordinal);
    }
}
