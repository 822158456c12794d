using Kabar.Auth;
using Kabar.Channels;
using Kabar.Cli;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Health;
using Kabar.WhatsApp;

var builder = WebApplication.CreateBuilder(args);

builder.AddKabarDefaults();
builder.AddKabarData();
builder.AddKabarAuth();
builder.AddKabarHealth();
builder.AddKabarWhatsApp();
builder.AddKabarDecisions();
builder.AddKabarChannels();

var app = builder.Build();

if (!KabarCli.IsServe(args))
{
    return await KabarCli.RunAsync(app, args);
}

await app.PrepareDatabaseAsync();

app.UseKabarDefaults();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapWhatsAppWebhooks();
app.MapContacts();
app.MapDecisions();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
