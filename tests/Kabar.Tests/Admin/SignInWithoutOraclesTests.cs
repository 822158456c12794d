using System.Net;
using Kabar.Admin;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Kabar.Tests.Admin.Console;

namespace Kabar.Tests.Admin;

/// <summary>
/// Signing in tells nobody which accounts exist, and failures slow the computer that fails: an
/// unknown address, a wrong password and a refused account get the same page, and a stranger
/// elsewhere cannot keep the operator out.
/// </summary>
public sealed class SignInWithoutOraclesTests(PostgresServer postgres)
{
    private const string Office = "203.0.113.7";
    private const string Stranger = "198.51.100.9";
    private static readonly int[] ExpectedWaits = [1, 2, 4, 8, 15, 15];

    [Fact]
    public async Task SignIn_UnknownAddressAndWrongPassword_GetTheSameAnswers_AttemptForAttempt_EvenOnceRefused()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        await AddOperatorAsync(app, "kasi@karokab.go.id");
        using var visitor = new ConsoleVisitor(app, Stranger);

        for (var i = 1; i <= 7; i++)
        {
            // The last two: the real account with its right password, while refused.
            var password = i >= 6 ? Password : "wrong password " + i;
            var real = await visitor.SignInAsync("kasi@karokab.go.id", password);
            var unknown = await visitor.SignInAsync("tidakada@karokab.go.id", password);

            Assert.Equal(unknown, real);
            Assert.Equal(i < 5 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, real.Status);
            Assert.Equal(i < 5 ? "Email atau kata sandi salah." : "Terlalu banyak percobaan masuk yang gagal dari komputer ini. Coba lagi dalam 1 menit.",
                real.Alert);
        }

        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("kasi@", StringComparison.Ordinal) || l.Contains("tidakada@", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("blocked until", StringComparison.Ordinal) && l.Contains("k***@karokab.go.id", StringComparison.Ordinal));

        // A minute later the right password works again from the same computer.
        app.Time.Advance(TimeSpan.FromSeconds(61));
        var after = await visitor.SignInAsync("kasi@karokab.go.id", Password);
        Assert.Equal(HttpStatusCode.Redirect, after.Status);
        Assert.Equal("/admin", after.Location);
    }

    [Fact]
    public async Task CheckPassword_RunsTheHasher_ForUnknownAddresses_WrongPasswords_AndRefusedPairs()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        await AddOperatorAsync(app, "kasi@karokab.go.id");
        await using var scope = app.Services.CreateAsyncScope();
        var hasher = new CountingHasher();
        var store = ActivatorUtilities.CreateInstance<OperatorStore>(scope.ServiceProvider, (IPasswordHasher<ConsoleUser>)hasher);
        var client = IPAddress.Parse(Stranger);

        var outcomes = new List<SignInOutcome>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.Add((await store.CheckPasswordAsync("tidakada@karokab.go.id", "wrong password", client, default)).Outcome);
            outcomes.Add((await store.CheckPasswordAsync("kasi@karokab.go.id", "wrong password", client, default)).Outcome);
        }

        var refusedWithRightPassword = await store.CheckPasswordAsync("kasi@karokab.go.id", Password, client, default);

        Assert.Equal(13, hasher.Verifications);
        Assert.Equal(SignInOutcome.Throttled, refusedWithRightPassword.Outcome);
        Assert.Null(refusedWithRightPassword.User);
        Assert.Equal(
            [.. Enumerable.Repeat(SignInOutcome.Invalid, 8), .. Enumerable.Repeat(SignInOutcome.Throttled, 4)],
            outcomes);
    }

    [Fact]
    public async Task AStranger_FailingFromElsewhere_CannotLockTheOperatorOut()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        await AddOperatorAsync(app, "kasi@karokab.go.id");
        using var stranger = new ConsoleVisitor(app, Stranger);
        using var office = new ConsoleVisitor(app, Office);

        for (var i = 0; i < 12; i++)
        {
            await stranger.SignInAsync("kasi@karokab.go.id", "guess " + i);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.SignInAsync("kasi@karokab.go.id", Password)).Status);
        var signedIn = await office.SignInAsync("kasi@karokab.go.id", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        Assert.Equal("/admin", signedIn.Location);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync("/admin")).Status);
    }

    [Fact]
    public async Task RepeatedRounds_DoubleTheWait_FromThatComputer_UpToTheLockoutDuration()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, ConsoleVisitor.Settings(), kestrel: true);
        using var visitor = new ConsoleVisitor(app, Stranger);
        var waits = new List<string?>();
        for (var round = 0; round < 6; round++)
        {
            ConsoleVisitor.Answer last = null!;
            for (var i = 0; i < 5; i++)
            {
                last = await visitor.SignInAsync("tidakada@karokab.go.id", "guess");
            }

            waits.Add(last.Alert);
            app.Time.Advance(TimeSpan.FromMinutes(16));
        }

        Assert.Equal(ExpectedWaits.Select(m => $"Terlalu banyak percobaan masuk yang gagal dari komputer ini. Coba lagi dalam {m} menit."),
            waits);
    }

    [Fact]
    public async Task WrongTwoFactorCodes_MakeThatComputerWait_NotTheOperatorsOwn()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var op = await AddOperatorAsync(app, "kasi@karokab.go.id");
        var key = OperatorStore.NewTotpKey();
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OperatorStore>();
        await app.WithDbAsync(db => db.Operators.Where(o => o.Id == op.Id).ExecuteUpdateAsync(u => u
            .SetProperty(o => o.TotpEnabled, true).SetProperty(o => o.TotpSecret, store.ProtectKey(key))));

        var outcomes = new List<SignInOutcome>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.Add((await store.CheckCodeAsync(op.Id, "000000", IPAddress.Parse(Stranger), default)).Outcome);
        }

        var own = await store.CheckCodeAsync(op.Id, CodeNow(app, key), IPAddress.Parse(Office), default);

        Assert.Equal([.. Enumerable.Repeat(SignInOutcome.Invalid, 4), SignInOutcome.Throttled, SignInOutcome.Throttled], outcomes);
        Assert.Equal(SignInOutcome.Success, own.Outcome);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 8)]
    [InlineData(4, 15)]
    [InlineData(40, 15)]
    public void BlockFor_Doubles_ToTheCap(int rounds, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), SignInThrottling.BlockFor(rounds, TimeSpan.FromMinutes(15)));

    private sealed class CountingHasher : IPasswordHasher<ConsoleUser>
    {
        private readonly PasswordHasher<ConsoleUser> inner = new();

        public int Verifications { get; private set; }

        public string HashPassword(ConsoleUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ConsoleUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
