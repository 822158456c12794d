using System.Security.Cryptography;
using Kabar.Common;
using Kabar.Data;
using Microsoft.Extensions.Options;

namespace Kabar.OptIn;

/// <summary>
/// The personal stop link every SMS and e-mail carries: <c>{PublicBaseUrl}/opt-out/{token}</c>,
/// where the token is the contact's id and an HMAC-SHA256 tag over it (32 bytes, base64url, as
/// long as an opt-in token). It needs no row per message, never expires and names one person only.
/// The key is <c>Kabar:Links:SigningKey</c> when set (at least 32 characters), else generated once
/// and kept in the database so every Kabar process agrees.
/// </summary>
public sealed class OptOutLinks(IOptions<KabarOptions> kabar, IConfiguration configuration, IServiceScopeFactory scopes,
    TimeProvider time) : IDisposable
{
    public const string SettingKey = "links.opt_out_key";
    private const int TagBytes = 16;
    private readonly SemaphoreSlim gate = new(1, 1);
    private byte[]? key;

    /// <summary>Loads (or creates) the signing key; needed once before <see cref="LinkFor"/>.</summary>
    public async Task EnsureReadyAsync(CancellationToken ct)
    {
        if (key is not null)
        {
            return;
        }

        await gate.WaitAsync(ct);
        try
        {
            if (key is null)
            {
                var configured = configuration["Kabar:Links:SigningKey"];
                key = string.IsNullOrWhiteSpace(configured)
                    ? Convert.FromHexString(await AppSetting.LoadOrCreateSecretAsync(scopes, SettingKey, time.GetUtcNow().UtcDateTime, ct))
                    : System.Text.Encoding.UTF8.GetBytes(configured);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public string LinkFor(Guid contactId) => $"{kabar.Value.PublicBaseUrl.TrimEnd('/')}/opt-out/{TokenFor(contactId)}";

    public string TokenFor(Guid contactId)
    {
        var id = contactId.ToByteArray();
        var token = new byte[16 + TagBytes];
        id.CopyTo(token, 0);
        Tag(id).CopyTo(token, 16);
        return Base64Url.Encode(token);
    }

    /// <summary>The contact a token names, or null when it is malformed or its tag does not match.</summary>
    public Guid? Read(string? token)
    {
        if (token is not { Length: 43 } || !Base64Url.TryDecode(token, out var bytes) || bytes.Length != 16 + TagBytes)
        {
            return null;
        }

        var id = bytes.AsSpan(0, 16).ToArray();
        return CryptographicOperations.FixedTimeEquals(Tag(id), bytes.AsSpan(16)) ? new Guid(id) : null;
    }

    /// <summary>A short public reference of the token for the ledger's evidence (never the token itself).</summary>
    public static string EvidenceId(string token) =>
        "opt-out:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..16];

    private byte[] Tag(byte[] id) => Tag("kabar-opt-out:"u8, id);

    /// <summary>
    /// The 128-bit tag of <paramref name="id"/> for one purpose (the purpose keeps a stop link's
    /// tag from opening a status page and the other way round).
    /// </summary>
    internal byte[] Tag(ReadOnlySpan<byte> purpose, byte[] id)
    {
        var k = key ?? throw new InvalidOperationException("OptOutLinks.EnsureReadyAsync must run first.");
        byte[] message = [.. purpose, .. id];
        var mac = HMACSHA256.HashData(k, message);
        return mac[..TagBytes];
    }

    public void Dispose() => gate.Dispose();
}
