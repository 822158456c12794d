using System.Text;
using Kabar.Data;
using Kabar.Secrets;
using Kabar.Tests.Infrastructure;
using Kabar.Transfers;
using Kabar.WhatsApp;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Secrets;

/// <summary>
/// The database file alone opens no secret: Data Protection keys are encrypted with the
/// key-encryption key (Kabar:DataProtection:Key), generated secrets with Data Protection.
/// </summary>
public sealed class SecretsAtRestTests(PostgresServer postgres)
{
    private const string OtherKey = "b3RoZXIta2FiYXIta2V5LWVuY3J5cHRpb24ta2V5LTM=";

    /// <summary>Sandbox secrets generated and kept in the database rather than configured.</summary>
    private static Dictionary<string, string?> Generated(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kabar:WhatsApp:AppSecret"] = "",
            ["Kabar:WhatsApp:VerifyToken"] = "",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task TheRawDatabaseFile_HoldsNeitherTheAppSecretNorTheVerifyToken_NorUnencryptedKeyMaterial()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, Generated());
        var secrets = app.Services.GetRequiredService<WebhookSecrets>();
        var appSecret = (await secrets.GetAppSecretAsync(default))!;
        var verifyToken = (await secrets.GetVerifyTokenAsync(default))!;
        await app.Services.GetRequiredService<ExportSigningKey>().GetAsync(default);
        var payload = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("rahasia");

        var raw = ReadDatabaseFiles(app);
        Assert.Equal(64, appSecret.Length);
        Assert.DoesNotContain(appSecret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(verifyToken, raw, StringComparison.Ordinal);
        Assert.Contains("encryptedSecret", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("No XML encryptor configured", StringComparison.Ordinal));
        Assert.Equal("rahasia", app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(payload));
    }

    [Fact]
    public async Task ADatabaseFrom100_WithPlainKeysAndSecrets_IsEncryptedOnStart_AndEverythingStillOpens()
    {
        await using var first = await KabarApp.StartAsync(Db.Sqlite, postgres, Generated());
        first.KeepDatabase = true;

        // As Kabar 1.0.0 left them: a Data Protection key in plain XML, a generated secret in plain hex.
        var folder = Directory.CreateTempSubdirectory("kabar-dp-");
        var old = DataProtectionProvider.Create(folder, b => b.SetApplicationName("kabar")).CreateProtector("Kabar.Test.Old");
        var payload = old.Protect("dari 1.0.0");
        var keyXml = await File.ReadAllTextAsync(Assert.Single(folder.GetFiles("key-*.xml")).FullName);
        Assert.Contains("<masterKey", keyXml, StringComparison.Ordinal);
        var plainSecret = Convert.ToHexStringLower(Encoding.ASCII.GetBytes("a 1.0.0 app secret, 32 bytes...."));
        await first.WithDbAsync(async db =>
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "key-old", Xml = keyXml });
            db.AppSettings.Add(new AppSetting { Key = WebhookSecrets.AppSecretKey, Value = plainSecret, CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        await first.DisposeAsync();
        folder.Delete(recursive: true);

        await using var second = KabarApp.Restart(first, first.Time.GetUtcNow(), Generated());
        var stored = await second.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().SingleAsync(k => k.FriendlyName == "key-old"));
        Assert.Contains("encryptedSecret", stored.Xml!, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", stored.Xml!, StringComparison.Ordinal);
        var storedSecret = await second.WithDbAsync(db => db.AppSettings.AsNoTracking().SingleAsync(s => s.Key == WebhookSecrets.AppSecretKey));
        Assert.DoesNotContain(plainSecret, storedSecret.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(plainSecret, ReadDatabaseFiles(second), StringComparison.Ordinal);

        Assert.Equal(plainSecret, await second.Services.GetRequiredService<WebhookSecrets>().GetAppSecretAsync(default));
        Assert.Equal("dari 1.0.0", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Kabar.Test.Old").Unprotect(payload));
        Assert.Contains(second.Logs.Lines, l => l.Contains("Encrypted 1 Data Protection key(s) and 1 stored secret(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotatingTheKey_WithThePreviousOneListed_EncryptsEverythingAgain_SoThePreviousKeyCanGo()
    {
        await using var first = await KabarApp.StartAsync(Db.Sqlite, postgres, Generated());
        first.KeepDatabase = true;
        var payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("rahasia");
        var appSecret = await first.Services.GetRequiredService<WebhookSecrets>().GetAppSecretAsync(default);
        await first.DisposeAsync();

        var rotated = KabarApp.Restart(first, first.Time.GetUtcNow(), Generated(new()
        {
            ["Kabar:DataProtection:Key"] = OtherKey,
            ["Kabar:DataProtection:PreviousKeys:0"] = KabarApp.DataProtectionKey,
        }));
        rotated.KeepDatabase = true;
        var newId = KeyEncryptionKeys.IdOf(Convert.FromBase64String(OtherKey));
        Assert.All(await rotated.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync()),
            xml => Assert.Contains($"kek=\"{newId}\"", xml!, StringComparison.Ordinal));
        await rotated.DisposeAsync();

        await using var after = KabarApp.Restart(rotated, first.Time.GetUtcNow(), Generated(new() { ["Kabar:DataProtection:Key"] = OtherKey }));
        Assert.Equal("rahasia", after.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(payload));
        Assert.Equal(appSecret, await after.Services.GetRequiredService<WebhookSecrets>().GetAppSecretAsync(default));
    }

    [Fact]
    public async Task RealWhatsAppCredentials_WithoutAKey_StopStartUp_NamingTheSettingAndHowToMakeAKey()
    {
        var error = await StartUpErrorAsync(new()
        {
            ["Kabar:DataProtection:Key"] = "",
            ["Kabar:WhatsApp:Numbers:0:PhoneNumberId"] = "106540352242922",
            ["Kabar:WhatsApp:Numbers:0:AccessToken"] = "EAAG-real-token",
        });

        Assert.Contains("Kabar:DataProtection:Key is not set", error, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", error, StringComparison.Ordinal);
        Assert.Contains("Kabar__DataProtection__Key", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all!", "Kabar:DataProtection:Key is not base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "Kabar:DataProtection:Key is 16 bytes; it must be 32 bytes")]
    public async Task ABadKey_StopsStartUp_NamingTheSetting(string key, string expected)
    {
        var error = await StartUpErrorAsync(new() { ["Kabar:DataProtection:Key"] = key });
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadPreviousKey_StopsStartUp_NamingWhichOne()
    {
        var error = await StartUpErrorAsync(new() { ["Kabar:DataProtection:PreviousKeys:0"] = "AAAA" });
        Assert.Contains("Kabar:DataProtection:PreviousKeys:0 is 3 bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sandbox_WithoutAKey_GeneratesOneBesideTheDatabase_ReadableByKabarOnly_AndReusesIt()
    {
        var data = Directory.CreateTempSubdirectory("kabar-data-");
        var settings = Generated(new() { ["Kabar:DataProtection:Key"] = "", ["Kabar:DataPath"] = data.FullName });
        await using var first = await KabarApp.StartAsync(Db.Sqlite, postgres, settings);
        first.KeepDatabase = true;
        var file = Path.Combine(data.FullName, KeyEncryptionKeys.SandboxFileName);
        var key = await File.ReadAllTextAsync(file);
        Assert.Equal(32, Convert.FromBase64String(key.Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Contains(first.Logs.Lines, l => l.Contains("Kabar:DataProtection:Key is not set: sandbox mode uses the generated key in " + file, StringComparison.Ordinal));
        var payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("rahasia");
        var appSecret = await first.Services.GetRequiredService<WebhookSecrets>().GetAppSecretAsync(default);
        await first.DisposeAsync();

        await using var second = KabarApp.Restart(first, first.Time.GetUtcNow(), settings);
        Assert.Equal(key, await File.ReadAllTextAsync(file));
        Assert.Equal("rahasia", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(payload));
        Assert.Equal(appSecret, await second.Services.GetRequiredService<WebhookSecrets>().GetAppSecretAsync(default));
        data.Delete(recursive: true);
    }

    /// <summary>
    /// <c>kabar serve</c> run as the service runs it, with <paramref name="settings"/> in its
    /// environment: it must exit 1 with the reason on standard error, and nothing else there.
    /// </summary>
    private static async Task<string> StartUpErrorAsync(Dictionary<string, string?> settings)
    {
        var data = Directory.CreateTempSubdirectory("kabar-startup-");
        try
        {
            var environment = settings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value ?? "");
            environment["Kabar__DataPath"] = data.FullName;
            var run = await KabarCliRunner.RunAsync(environment, null, "serve", "--urls", "http://127.0.0.1:0");
            Assert.True(run.Code == 1, run.ToString());
            Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
            Assert.StartsWith("kabar: ", run.Stderr, StringComparison.Ordinal);
            return run.Stderr;
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>The SQLite file and its write-ahead log, as bytes read as Latin-1 text (every byte one character).</summary>
    private static string ReadDatabaseFiles(KabarApp app)
    {
        var file = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        var text = new StringBuilder();
        foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }
}
