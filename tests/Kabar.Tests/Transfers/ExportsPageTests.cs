using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Transfers;

/// <summary><c>/admin/exports</c> in Chromium: an operator tries an import, imports, downloads; a viewer only reads the record.</summary>
public sealed class ExportsPageTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 1280)
{
    [Fact]
    public async Task Operator_DryRunsThenImports_DownloadsConsented_ViewerSeesTheRecordOnly()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kontak-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, TransferSupport.MixedFile());
        try
        {
            await AddOperatorAsync(App, "petugas@karokab.go.id", OperatorRoles.Operator);
            await SignInAsync(Page, "petugas@karokab.go.id");
            await Kabar.Tests.Admin.Console.OpenMoreAsync(Page);
            await Page.GetByRole(AriaRole.Link, new() { Name = "Ekspor & impor", Exact = true }).ClickAsync();
            Assert.EndsWith("/admin/exports", Page.Url, StringComparison.Ordinal);

            // The dry run is ticked by default: the report, and nothing saved.
            await Page.GetByLabel("Berkas CSV").SetInputFilesAsync(file);
            await Page.GetByRole(AriaRole.Button, new() { Name = "Impor", Exact = true }).ClickAsync();
            await Assertions.Expect(Page.GetByTestId("import-summary")).ToContainTextAsync("Uji coba, tidak ada yang disimpan.");
            // Eight rejected lines in seven reasons, in Indonesian: the two formula cells share one row, listed first.
            var reasons = Page.GetByTestId("import-errors").Locator("tbody tr");
            await Assertions.Expect(reasons).ToHaveCountAsync(7);
            var formulas = await reasons.Nth(0).InnerTextAsync();
            Assert.Contains("2 baris", formulas, StringComparison.Ordinal);
            Assert.Contains("6, 11", formulas, StringComparison.Ordinal);
            Assert.Contains("dijalankan spreadsheet sebagai rumus", formulas, StringComparison.Ordinal);
            Assert.Contains("UTF-8", await reasons.Nth(3).InnerTextAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain("is not", await Page.GetByTestId("import-errors").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await App.WithDbAsync(d => d.Contacts.CountAsync()));

            await Page.GetByLabel("Berkas CSV").SetInputFilesAsync(file);
            await Page.GetByLabel("Uji saja, jangan simpan").UncheckAsync();
            await Page.GetByRole(AriaRole.Button, new() { Name = "Impor", Exact = true }).ClickAsync();
            await Assertions.Expect(Page.GetByTestId("import-summary")).ToContainTextAsync("3 baru");
            await Browser.ScreenshotAsync(Page, "admin-exports-import");
            Assert.Equal(3, await App.WithDbAsync(d => d.Contacts.CountAsync()));

            var download = await Page.RunAndWaitForDownloadAsync(() =>
                Page.GetByRole(AriaRole.Button, new() { Name = "Unduh kontak yang setuju WhatsApp" }).ClickAsync());
            Assert.Matches(@"^contacts-\d{8}-\d{6}\.csv$", download.SuggestedFilename);
            var saved = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");
            await download.SaveAsAsync(saved);
            var lines = TransferSupport.DataLines(await File.ReadAllBytesAsync(saved));
            File.Delete(saved);
            Assert.StartsWith("+6281277770001,Siti Aminah,granted,import,", Assert.Single(lines), StringComparison.Ordinal);
            var export = await App.WithDbAsync(d => d.Exports.SingleAsync());
            Assert.Equal(("consented", "console:petugas@karokab.go.id", 1), (export.Kind, export.RequestedBy, export.Rows));

            // A viewer reads the record and the manifest, but cannot download or import.
            await Page.GetByRole(AriaRole.Button, new() { Name = "Keluar" }).ClickAsync();
            await AddOperatorAsync(App, "tamu@karokab.go.id", OperatorRoles.Viewer);
            await SignInAsync(Page, "tamu@karokab.go.id");
            await Page.GotoAsync("/admin/exports");
            await Assertions.Expect(Page.GetByTestId("exports").Locator("tbody tr")).ToHaveCountAsync(1);
            Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Impor", Exact = true }).CountAsync());
            Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "Unduh kontak terdaftar" }).CountAsync());
            var manifest = await Page.APIRequest.GetAsync($"/admin/exports?handler=Manifest&id={export.Id}");
            Assert.Equal(200, manifest.Status);
            Assert.Contains(export.CsvSha256!, await manifest.TextAsync(), StringComparison.Ordinal);

            var token = await Page.EvaluateAsync<string>("document.querySelector('input[name=__RequestVerificationToken]').value");
            var forged = await Page.APIRequest.PostAsync("/admin/exports?handler=Download", new()
            {
                Form = Page.APIRequest.CreateFormData().Set("kind", "registered").Set("__RequestVerificationToken", token),
                MaxRedirects = 0,
            });
            Assert.Equal(302, forged.Status);
            Assert.Equal(1, await App.WithDbAsync(d => d.Exports.CountAsync()));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
