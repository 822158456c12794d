using System.Net;
using System.Text.RegularExpressions;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// Console accounts over HTTP, through the real forms: an admin adds a user who signs in with the
/// password shown once, disables them (their open session is refused at once), enables and re-roles
/// them; the console keeps its last admin; viewers and operators cannot reach any of it; everyone
/// changes their own password, which ends their other sessions.
/// </summary>
public sealed partial class ConsoleAccountsTests(PostgresServer postgres)
{
    private const string Kepala = "kepala@karokab.go.id";
    private const string Petugas = "petugas@karokab.go.id";

    private static async Task<ConsoleVisitor> SignedInAsync(KabarApp app, string email, string role, string address = "203.0.113.30")
    {
        await AddOperatorAsync(app, email, role);
        var visitor = new ConsoleVisitor(app, address);
        var signIn = await visitor.SignInAsync(email, Password);
        Assert.True(signIn.Status == HttpStatusCode.Redirect, $"{signIn.Status} {signIn.Alert}");
        return visitor;
    }

    private static Task<ConsoleUser> UserAsync(KabarApp app, string email) =>
        app.WithDbAsync(d => d.Operators.AsNoTracking().SingleAsync(o => o.Email == email));

    private static Task<(ConsoleVisitor.Answer Answer, string Html)> UsersPostAsync(ConsoleVisitor visitor, string handler, Guid? id,
        Dictionary<string, string>? fields = null) =>
        visitor.PostFormAsync("/admin/account", $"/admin/users?handler={handler}" + (id is { } v ? $"&id={v}" : ""), fields ?? []);

    /// <summary>Where an answer sends the browser: its path, whether the header was absolute or not.</summary>
    private static string? PathOf(ConsoleVisitor visitor, ConsoleVisitor.Answer answer) =>
        answer.Location is null ? null : new Uri(visitor.BaseAddress, answer.Location).AbsolutePath;

    [GeneratedRegex("data-testid=\"password\">([^<]+)</code>")]
    private static partial Regex ShownPassword();

    [Fact]
    public async Task AdminAddsAUser_ThePasswordShownOnceSignsIn_AndTheLogMasksTheAddress()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var admin = await SignedInAsync(app, Kepala, OperatorRoles.Admin);

        var (added, html) = await UsersPostAsync(admin, "Add", null, new() { ["Email"] = " Petugas@KaroKab.go.id ", ["Role"] = OperatorRoles.Operator });
        Assert.True(added.Status == HttpStatusCode.OK, html);
        var password = WebUtility.HtmlDecode(ShownPassword().Match(html).Groups[1].Value);
        Assert.True(password.Length >= 12, html);
        Assert.Contains("ditampilkan sekali ini saja", html, StringComparison.Ordinal);
        var stored = await UserAsync(app, Petugas);
        Assert.Equal(OperatorRoles.Operator, stored.Role);
        Assert.DoesNotContain(password, stored.PasswordHash, StringComparison.Ordinal);
        var (_, list) = await admin.PageAsync("/admin/users");
        Assert.DoesNotContain(password, list, StringComparison.Ordinal);

        using var petugas = new ConsoleVisitor(app, "203.0.113.31");
        Assert.Equal(HttpStatusCode.Redirect, (await petugas.SignInAsync(Petugas, password)).Status);
        Assert.Equal(HttpStatusCode.OK, (await petugas.GetAsync("/admin")).Status);

        var (again, _) = await UsersPostAsync(admin, "Add", null, new() { ["Email"] = Petugas, ["Role"] = OperatorRoles.Viewer });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("Sudah ada pengguna dengan email ini.", again.Alert);
        var (bad, _) = await UsersPostAsync(admin, "Add", null, new() { ["Email"] = "petugas karokab", ["Role"] = OperatorRoles.Viewer });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal("Isi alamat email yang benar, misalnya nama@karokab.go.id.", bad.Alert);
        var (badRole, _) = await UsersPostAsync(admin, "Add", null, new() { ["Email"] = "lain@karokab.go.id", ["Role"] = "root" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badRole.Status);
        Assert.Equal(2, await app.WithDbAsync(d => d.Operators.CountAsync()));

        Assert.Contains(app.Logs.Lines, l => l.Contains("Admin k***@karokab.go.id added console user p***@karokab.go.id as operator", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(Petugas, StringComparison.Ordinal) || l.Contains(Kepala, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disable_RefusesTheUsersOpenSession_AndTheirSignIn_UntilEnabledAgain()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var admin = await SignedInAsync(app, Kepala, OperatorRoles.Admin);
        using var petugas = await SignedInAsync(app, Petugas, OperatorRoles.Operator, "203.0.113.32");
        Assert.Equal(HttpStatusCode.OK, (await petugas.GetAsync("/admin")).Status);
        var id = (await UserAsync(app, Petugas)).Id;

        var (disabled, _) = await UsersPostAsync(admin, "Disable", id);
        Assert.Equal("/admin/users?done=disabled", disabled.Location);
        var refused = await petugas.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, refused.Status);
        Assert.Equal("/admin/login", PathOf(petugas, refused));
        var signIn = await petugas.SignInAsync(Petugas, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.Status);
        Assert.Equal("Email atau kata sandi salah.", signIn.Alert);
        Assert.Equal(0, await app.WithDbAsync(d => d.ConsoleSessions.CountAsync(s => s.OperatorId == id)));
        var (_, list) = await admin.PageAsync("/admin/users");
        Assert.Contains("dinonaktifkan", list, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.Contains("disabled console user p***@karokab.go.id; 1 session(s) ended", StringComparison.Ordinal));

        var (enabled, _) = await UsersPostAsync(admin, "Enable", id);
        Assert.Equal("/admin/users?done=enabled", enabled.Location);
        Assert.Equal(HttpStatusCode.Redirect, (await petugas.SignInAsync(Petugas, Password)).Status);
        Assert.Equal(HttpStatusCode.OK, (await petugas.GetAsync("/admin")).Status);
    }

    [Fact]
    public async Task Role_Changed_EndsTheOldSession_AndTheNextSignInCarriesTheNewRole()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var admin = await SignedInAsync(app, Kepala, OperatorRoles.Admin);
        using var viewer = await SignedInAsync(app, Petugas, OperatorRoles.Viewer, "203.0.113.33");
        Assert.Equal("/admin/denied", PathOf(viewer, await viewer.GetAsync("/admin/users")));
        var id = (await UserAsync(app, Petugas)).Id;

        var (promoted, _) = await UsersPostAsync(admin, "Role", id, new() { ["Role"] = OperatorRoles.Admin });
        Assert.Equal("/admin/users?done=role", promoted.Location);
        Assert.Equal("/admin/login", PathOf(viewer, await viewer.GetAsync("/admin")));
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.SignInAsync(Petugas, Password)).Status);
        var (status, page) = await viewer.PageAsync("/admin/users");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Tambah pengguna", page, StringComparison.Ordinal);

        // Now two admins: the first may take the role back.
        var (demoted, _) = await UsersPostAsync(admin, "Role", id, new() { ["Role"] = OperatorRoles.Viewer });
        Assert.Equal("/admin/users?done=role", demoted.Location);
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.SignInAsync(Petugas, Password)).Status);
        Assert.Equal("/admin/denied", PathOf(viewer, await viewer.GetAsync("/admin/users")));
        Assert.Contains(app.Logs.Lines, l => l.Contains("changed console user p***@karokab.go.id from admin to viewer", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task TwoAdmins_DemotingOrDisablingEachOtherAtOnce_LeaveOneAdmin(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, ConsoleVisitor.Settings());
        for (var round = 0; round < 12; round++)
        {
            var a = $"admin-a{round}@karokab.go.id";
            var b = $"admin-b{round}@karokab.go.id";
            await AddOperatorAsync(app, a, OperatorRoles.Admin);
            await AddOperatorAsync(app, b, OperatorRoles.Admin);
            var ida = (await UserAsync(app, a)).Id;
            var idb = (await UserAsync(app, b)).Id;

            // Each admin, in their own request, takes the admin role from the other at the same moment.
            var results = await Task.WhenAll(
                ActAsync(app, accounts => round % 2 == 0 ? accounts.SetRoleAsync(idb, OperatorRoles.Operator, ida, a, CancellationToken.None)
                    : accounts.DisableAsync(idb, ida, a, CancellationToken.None)),
                ActAsync(app, accounts => accounts.SetRoleAsync(ida, OperatorRoles.Viewer, idb, b, CancellationToken.None)));

            var admins = await app.WithDbAsync(d => d.Operators.CountAsync(o => o.Role == OperatorRoles.Admin && o.DisabledAt == null));
            Assert.True(admins == 1, $"Round {round}: {admins} active admins left; answers {results[0].Refusal}, {results[1].Refusal}.");
            Assert.Single(results, r => r.Refusal == AccountRefusal.LastAdmin);

            // The one left is demoted too before the next round, by a fresh admin, so each round starts from two.
            var left = results[0].Refusal is null ? ida : idb;
            await app.WithDbAsync(d => d.Operators.Where(o => o.Id == left).ExecuteUpdateAsync(u => u.SetProperty(o => o.Role, OperatorRoles.Viewer)));
        }
    }

    private static async Task<AccountResult> ActAsync(KabarApp app, Func<ConsoleAccounts, Task<AccountResult>> act)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<ConsoleAccounts>());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task TheLastAdmin_CannotBeDemotedOrDisabled_AndNoAdminDemotesThemselves(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var admin = await SignedInAsync(app, Kepala, OperatorRoles.Admin);
        var me = (await UserAsync(app, Kepala)).Id;
        const string LastAdmin = "Konsol harus punya paling sedikit satu admin aktif. Jadikan pengguna lain admin dulu.";

        var (demote, _) = await UsersPostAsync(admin, "Role", me, new() { ["Role"] = OperatorRoles.Operator });
        Assert.Equal(HttpStatusCode.Conflict, demote.Status);
        Assert.Equal(LastAdmin, demote.Alert);
        var (disable, _) = await UsersPostAsync(admin, "Disable", me);
        Assert.Equal(HttpStatusCode.Conflict, disable.Status);
        Assert.Equal(LastAdmin, disable.Alert);
        var stored = await UserAsync(app, Kepala);
        Assert.Equal(OperatorRoles.Admin, stored.Role);
        Assert.Null(stored.DisabledAt);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users")).Status);

        // With a second admin, the first still cannot demote or disable themselves, nor reset their own password here.
        await AddOperatorAsync(app, "sekretaris@karokab.go.id", OperatorRoles.Admin);
        var (self, _) = await UsersPostAsync(admin, "Role", me, new() { ["Role"] = OperatorRoles.Viewer });
        Assert.Equal(HttpStatusCode.Conflict, self.Status);
        Assert.StartsWith("Anda tidak dapat menurunkan peran", self.Alert, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await UsersPostAsync(admin, "Reset", me)).Answer.Status);
        var other = (await UserAsync(app, "sekretaris@karokab.go.id")).Id;
        Assert.Equal("/admin/users?done=disabled", (await UsersPostAsync(admin, "Disable", other)).Answer.Location);
        var (unknown, _) = await UsersPostAsync(admin, "Disable", Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(1, await app.WithDbAsync(d => d.Operators.CountAsync(o => o.Role == OperatorRoles.Admin && o.DisabledAt == null)));
    }

    [Theory]
    [InlineData(OperatorRoles.Viewer)]
    [InlineData(OperatorRoles.Operator)]
    public async Task ViewersAndOperators_CannotOpenTheUsersPage_NorPostToIt(string role)
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        await AddOperatorAsync(app, Kepala, OperatorRoles.Admin);
        var admin = (await UserAsync(app, Kepala)).Id;
        using var staff = await SignedInAsync(app, Petugas, role);

        var page = await staff.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        var denied = new Uri(staff.BaseAddress, page.Location).PathAndQuery;
        Assert.StartsWith("/admin/denied", denied, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync(denied)).Status);
        var (_, account) = await staff.PageAsync("/admin/account");
        Assert.DoesNotContain("href=\"/admin/users\"", account, StringComparison.Ordinal);

        foreach (var (handler, id, fields) in new (string, Guid?, Dictionary<string, string>)[]
        {
            ("Add", null, new() { ["Email"] = "penyusup@karokab.go.id", ["Role"] = OperatorRoles.Admin }),
            ("Role", admin, new() { ["Role"] = OperatorRoles.Viewer }),
            ("Disable", admin, []),
            ("Reset", admin, []),
        })
        {
            var (post, _) = await UsersPostAsync(staff, handler, id, fields);
            Assert.True(post.Status == HttpStatusCode.Redirect && PathOf(staff, post) == "/admin/denied", $"{handler}: {post.Status} {post.Location}");
        }

        var kepala = await UserAsync(app, Kepala);
        Assert.Equal(OperatorRoles.Admin, kepala.Role);
        Assert.Null(kepala.DisabledAt);
        Assert.Equal(2, await app.WithDbAsync(d => d.Operators.CountAsync()));
        using var check = new ConsoleVisitor(app, "203.0.113.40");
        Assert.Equal(HttpStatusCode.Redirect, (await check.SignInAsync(Kepala, Password)).Status);
    }

    [Fact]
    public async Task ChangeOwnPassword_NeedsTheCurrentOne_ThenOnlyTheNewOneWorks_AndOtherSessionsEnd()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var laptop = await SignedInAsync(app, Petugas, OperatorRoles.Viewer, "203.0.113.34");
        using var phone = new ConsoleVisitor(app, "203.0.113.35");
        Assert.Equal(HttpStatusCode.Redirect, (await phone.SignInAsync(Petugas, Password)).Status);
        const string NewPassword = "kopi pagi di berastagi";

        Task<(ConsoleVisitor.Answer Answer, string Html)> ChangeAsync(string current, string next, string confirm) =>
            laptop.PostFormAsync("/admin/account", "/admin/account?handler=Password", new()
            {
                ["CurrentPassword"] = current,
                ["NewPassword"] = next,
                ["ConfirmPassword"] = confirm,
            });

        var (wrong, _) = await ChangeAsync("not my password", NewPassword, NewPassword);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Equal("Kata sandi sekarang salah.", wrong.Alert);
        var (weak, _) = await ChangeAsync(Password, "pendek", "pendek");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.Status);
        Assert.Equal("Kata sandi baru paling sedikit 12 karakter.", weak.Alert);
        var (email, _) = await ChangeAsync(Password, Petugas, Petugas);
        Assert.Equal("Kata sandi baru tidak boleh sama dengan alamat email.", email.Alert);
        var (mismatch, _) = await ChangeAsync(Password, NewPassword, NewPassword + "!");
        Assert.Equal("Kata sandi baru dan ulangannya tidak sama.", mismatch.Alert);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/admin")).Status);

        var (changed, _) = await ChangeAsync(Password, NewPassword, NewPassword);
        Assert.Equal("/admin/account?done=password", changed.Location);
        var (status, account) = await laptop.PageAsync("/admin/account?done=password");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Kata sandi diganti.", account, StringComparison.Ordinal);
        Assert.Equal("/admin/login", PathOf(phone, await phone.GetAsync("/admin")));

        using var elsewhere = new ConsoleVisitor(app, "203.0.113.36");
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.SignInAsync(Petugas, Password)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.SignInAsync(Petugas, NewPassword)).Status);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Console user p***@karokab.go.id changed their password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminResetsAPassword_TheNewOneIsShownOnce_AndTheOldOneAndItsSessionsEnd()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var admin = await SignedInAsync(app, Kepala, OperatorRoles.Admin);
        using var petugas = await SignedInAsync(app, Petugas, OperatorRoles.Operator, "203.0.113.37");
        var id = (await UserAsync(app, Petugas)).Id;

        var (reset, html) = await UsersPostAsync(admin, "Reset", id);
        Assert.True(reset.Status == HttpStatusCode.OK, html);
        var password = WebUtility.HtmlDecode(ShownPassword().Match(html).Groups[1].Value);
        Assert.True(password.Length >= 12, html);
        Assert.Equal("/admin/login", PathOf(petugas, await petugas.GetAsync("/admin")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await petugas.SignInAsync(Petugas, Password)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await petugas.SignInAsync(Petugas, password)).Status);
    }

    [Fact]
    public async Task EnrolPage_ShowsAnSvgQrCode_ForTheSameKeyAsTheText_WithinTheSamePolicy()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var petugas = await SignedInAsync(app, Petugas, OperatorRoles.Operator);

        var (status, html) = await petugas.PageAsync("/admin/login/enrol");
        Assert.Equal(HttpStatusCode.OK, status);
        var key = Regex.Match(html, "data-testid=\"totp-key\">([A-Z2-7]+)</code>").Groups[1].Value;
        Assert.Equal(32, key.Length);
        var link = WebUtility.HtmlDecode(Regex.Match(html, "href=\"(otpauth://[^\"]+)\"").Groups[1].Value);
        Assert.Contains($"secret={key}&", link, StringComparison.Ordinal);
        var figure = Regex.Match(html, "<figure class=\"qr\"[\\s\\S]*?</figure>").Value;
        Assert.Matches("<div role=\"img\" aria-label=\"Kode QR untuk aplikasi autentikator\"><svg [^>]*viewBox=", figure);
        Assert.Contains("<path", figure, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", figure, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", figure, StringComparison.Ordinal);
    }
}
