using System.Net;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>Signing out ends that session on the server: a copied cookie opens nothing afterwards.</summary>
public sealed class ConsoleSessionTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task SignOut_ACopiedCookieNoLongerOpensTheConsole_WhileTheOperatorsOtherSessionLives(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, ConsoleVisitor.Settings(), kestrel: true);
        await AddOperatorAsync(app, "kasi@karokab.go.id");
        using var laptop = new ConsoleVisitor(app, "203.0.113.7");
        using var desktop = new ConsoleVisitor(app, "203.0.113.8");
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.SignInAsync("kasi@karokab.go.id", Password)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await desktop.SignInAsync("kasi@karokab.go.id", Password)).Status);
        var copied = laptop.SessionCookie;
        Assert.NotNull(copied);
        Assert.Equal(2, await app.WithDbAsync(d => d.ConsoleSessions.CountAsync()));

        var signedOut = await laptop.SignOutAsync();
        Assert.Equal("/admin/login", signedOut.Location);

        using var thief = new ConsoleVisitor(app, "198.51.100.9");
        thief.Cookies.Add(thief.BaseAddress, new Cookie(ConsoleVisitor.CookieName, copied));
        var replayed = await thief.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, replayed.Status);
        Assert.StartsWith("/admin/login", new Uri(thief.BaseAddress, replayed.Location).PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await desktop.GetAsync("/admin")).Status);
        Assert.Equal(1, await app.WithDbAsync(d => d.ConsoleSessions.CountAsync()));
    }
}
