using Kabar.Admin;
using Kabar.Simulator;
using Kabar.Tests.Campaigns;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// Every page of the console, found from Kabar's own endpoint table (a new page is checked without
/// touching this test), opened by an admin over a sandbox with data in it, passes axe-core at a
/// phone's width and at a laptop's. The sign-in pages are checked signed out.
/// </summary>
public sealed class EveryConsolePageTests(Browser browser, PostgresServer postgres) : BrowserTest(browser, postgres, 360)
{
    /// <summary>Pages of the sign-in flow: they answer a visitor who is signing in, not a signed-in admin.</summary>
    private static readonly string[] SignInFlow = ["/admin/login", "/admin/login/code", "/admin/login/enrol", "/admin/logout", "/admin/denied"];

    [Fact]
    public async Task EveryConsolePage_HasNoAxeViolation_At360And1366Pixels()
    {
        var samples = await SeedAsync();
        var pages = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/'))
            .Where(p => p == "/admin" || p.StartsWith("/admin/", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Contains("/admin/inbox/{id:guid}", pages);
        Assert.True(pages.Count >= 25, string.Join(", ", pages));

        await Page.GotoAsync("/admin/login");
        await Axe.AssertAtBothWidthsAsync(Page);

        await AddOperatorAsync(App, "admin@karokab.go.id", OperatorRoles.Admin);
        await SignInAsync(Page, "admin@karokab.go.id");
        var visited = new List<string>();
        foreach (var pattern in pages.Where(p => !SignInFlow.Contains(p)))
        {
            var url = Routes.Parameter().Replace(pattern, m => samples.TryGetValue(pattern, out var id)
                ? id.ToString()
                : throw new Xunit.Sdk.XunitException($"{pattern}: no sample for {{{m.Groups[1].Value}}}; add one to this test."));
            var response = await Page.GotoAsync(url);
            Assert.True(response is { Ok: true }, $"{url} answered {response?.Status}");
            Assert.EndsWith(url, new Uri(Page.Url).AbsolutePath, StringComparison.Ordinal);
            await Axe.AssertAtBothWidthsAsync(Page);
            visited.Add(url);
        }

        // What a viewer is refused with is a page of its own.
        await Page.GotoAsync("/admin/denied");
        await Axe.AssertAtBothWidthsAsync(Page);
        Assert.True(visited.Count >= 20, string.Join(", ", visited));
    }

    /// <summary>One of everything a console page can show, and the id each parameterised page opens.</summary>
    private async Task<Dictionary<string, Guid>> SeedAsync()
    {
        var contact = await App.CreateContactAsync("+6281250000021", optedIn: true);
        App.Simulator().Inbound(new InboundRequest("+6281250000021", "Kapan izin saya selesai?", "Rina Ginting"));
        await App.Simulator().WhenIdleAsync();
        var notification = await App.PermitReadyAsync("+6281250000021");
        await App.PermitReadyAsync("+6281250000022");
        await App.SendAndSettleAsync();
        var permit = (await App.PostPermitAsync(PermitSupport.Permit("REK-2026-0099", "in_review", "+6281250000021"))).GetProperty("id").GetGuid();
        var experiment = await ExperimentFlowTests.CreateExperimentAsync(App, ExperimentFlowTests.TwoVariants());
        var campaign = await CampaignSupport.CreateAsync(App, CampaignSupport.Body(experimentId: experiment));
        Assert.True(await App.WithDbAsync(db => db.InboundMessages.AnyAsync(m => m.ContactId == contact)));
        return new Dictionary<string, Guid>
        {
            ["/admin/contacts/{id:guid}"] = contact,
            ["/admin/inbox/{id:guid}"] = contact,
            ["/admin/notifications/{id:guid}"] = notification,
            ["/admin/permits/{id:guid}"] = permit,
            ["/admin/campaigns/{id:guid}"] = campaign,
            ["/admin/experiments/{id:guid}"] = experiment,
        };
    }
}
