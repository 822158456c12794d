using System.Text.RegularExpressions;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Admin;

/// <summary>The console's notification log over plain HTTPS: its pages show every notification exactly once.</summary>
public sealed partial class NotificationLogTests(PostgresServer postgres)
{
    [GeneratedRegex("href=\"/admin/notifications/([0-9a-f-]{36})\"")]
    private static partial Regex Row();

    [GeneratedRegex("href=\"(/admin/notifications\\?[^\"]*after=[^\"]+)\"")]
    private static partial Regex NextPage();

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task NotificationLog_PagesThroughEveryNotificationOnce_EvenWhenTheyShareATimestamp(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        var created = new HashSet<Guid>();
        for (var i = 0; i < 120; i++)
        {
            created.Add(await app.PermitReadyAsync($"+62812700{i:D5}"));
        }

        using var client = await Console.SignedInClientAsync(app, "viewer@karokab.go.id", OperatorRoles.Viewer);

        var seen = new List<Guid>();
        var url = "/admin/notifications";
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            var html = await client.GetStringAsync(url);
            seen.AddRange(Row().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value)));
            url = NextPage().Match(html) is { Success: true } next ? System.Net.WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }

        Assert.Equal(120, seen.Count);
        Assert.Equal(created, seen.ToHashSet());
    }
}
