using Kabar.Admin;
using Kabar.Auth;
using Kabar.Campaigns;
using Kabar.Channels;
using Kabar.Citizens;
using Kabar.Cli;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Experiments;
using Kabar.GoLive;
using Kabar.Health;
using Kabar.Jobs;
using Kabar.Network;
using Kabar.Notifications;
using Kabar.Operations;
using Kabar.OptIn;
using Kabar.Permits;
using Kabar.Privacy;
using Kabar.Secrets;
using Kabar.SiCantik;
using Kabar.Simulator;
using Kabar.Statuses;
using Kabar.Transfers;
using Kabar.Web;
using Kabar.WhatsApp;

var command = KabarCommandLine.Parse(args);
if (!command.NeedsKabar)
{
    return await command.RunAloneAsync(); // help, --version, a usage error (exit 2), the simulator on its own host
}

try
{
    var builder = command.IsServe ? KabarHost.CreateBuilder(command.HostArgs) : KabarHost.CreateCommandBuilder(command.HostArgs);

    builder.AddKabarDefaults();
    builder.AddKabarNetwork();
    builder.AddKabarData();
    builder.AddKabarConsent();
    builder.AddKabarSecrets();
    builder.AddKabarAuth();
    builder.AddKabarHealth();
    builder.AddKabarContacts();
    builder.AddKabarWhatsApp();
    builder.AddKabarGoLive();
    builder.AddKabarStatuses();
    builder.AddKabarDecisions();
    builder.AddKabarChannels();
    builder.AddKabarOptIn();
    builder.AddKabarNotifications();
    builder.AddKabarSimulator();
    builder.AddKabarWeb();
    builder.AddKabarCitizens();
    builder.AddKabarAdmin();
    builder.AddKabarPermits();
    builder.AddKabarSiCantik();
    builder.AddKabarJobs();
    builder.AddKabarPrivacy();
    builder.AddKabarTransfers();
    builder.AddKabarCampaigns();
    builder.AddKabarExperiments();
    builder.AddKabarOperations();

    var app = builder.Build();

    if (!command.IsServe)
    {
        return await command.RunAsync(app);
    }

    await app.PrepareDatabaseAsync();

    app.UseKabarNetwork();
    app.UseKabarDefaults();
    app.UseKabarWeb();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseKabarRequestBodies();

    app.MapHealth();
    app.MapOperations();
    app.MapWhatsAppWebhooks();
    app.MapSmsWebhooks();
    app.MapContacts();
    app.MapDecisions();
    app.MapNotifications();
    app.MapJobs();
    app.MapSenderNumbers();
    app.MapStats();
    app.MapPermits();
    app.MapPrivacy();
    app.MapTransfers();
    app.MapCampaigns();
    app.MapKabarSimulator();
    app.MapKabarPages();

    await app.RunAsync();
    return 0;
}
catch (Exception error) when (StartupErrors.OwnProcess && StartupErrors.Describe(error) is { } reason)
{
    // A setting that can never work: the key and what would be accepted, then exit 1 (README).
    // Hosted in another process (the test host), the exception is left to that host.
    await Console.Error.WriteLineAsync($"kabar: {reason.ReplaceLineEndings(Environment.NewLine + "kabar: ")}");
    return 1;
}

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
