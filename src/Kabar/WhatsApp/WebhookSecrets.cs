using Kabar.Data;
using Microsoft.Extensions.Options;

namespace Kabar.WhatsApp;

/// <summary>
/// The app secret that signs webhooks and the verify token. Configured values win; in sandbox
/// mode Kabar generates both once and keeps them in the database (encrypted), so the simulator, the sandbox
/// phone and every Kabar process on the same database agree. With real credentials and no app
/// secret, there is no secret: webhooks are refused rather than accepted unsigned.
/// </summary>
public sealed class WebhookSecrets(IOptions<WhatsAppOptions> options, IServiceScopeFactory scopes, TimeProvider time)
    : IDisposable
{
    public const string AppSecretKey = "sandbox.whatsapp.app_secret";
    public const string VerifyTokenKey = "sandbox.whatsapp.verify_token";
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string? AppSecret, string? VerifyToken)? cached;

    public async Task<string?> GetAppSecretAsync(CancellationToken ct) => (await GetAsync(ct)).AppSecret;

    public async Task<string?> GetVerifyTokenAsync(CancellationToken ct) => (await GetAsync(ct)).VerifyToken;

    private async Task<(string? AppSecret, string? VerifyToken)> GetAsync(CancellationToken ct)
    {
        if (cached is { } value)
        {
            return value;
        }

        await gate.WaitAsync(ct);
        try
        {
            if (cached is { } again)
            {
                return again;
            }

            var o = options.Value;
            var appSecret = NullIfBlank(o.AppSecret);
            var verifyToken = NullIfBlank(o.VerifyToken);
            if (o.SandboxMode && (appSecret is null || verifyToken is null))
            {
                appSecret ??= await LoadOrCreateAsync(AppSecretKey, ct);
                verifyToken ??= await LoadOrCreateAsync(VerifyTokenKey, ct);
            }

            cached = (appSecret, verifyToken);
            return cached.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    private Task<string> LoadOrCreateAsync(string key, CancellationToken ct) =>
        AppSetting.LoadOrCreateSecretAsync(scopes, key, time.GetUtcNow().UtcDateTime, ct);

    public void Dispose() => gate.Dispose();

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
