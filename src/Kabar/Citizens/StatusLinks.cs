using System.Security.Cryptography;
using Kabar.Common;
using Kabar.OptIn;
using Microsoft.Extensions.Options;

namespace Kabar.Citizens;

/// <summary>
/// The link to a citizen's own status page of one registration: <c>{PublicBaseUrl}/status/{token}</c>,
/// where the token is the registration's id and a 128-bit HMAC-SHA256 tag over it with the stop
/// links' key and its own purpose (43 characters, short enough for an SMS). Nobody can make one
/// without the key; it needs no row and no migration, and it opens that registration only.
/// </summary>
public sealed class StatusLinks(OptOutLinks signer, IOptions<KabarOptions> kabar)
{
    private const int TagBytes = 16;

    /// <summary>Loads the signing key; needed once before <see cref="LinkFor"/> or <see cref="Read"/>.</summary>
    public Task EnsureReadyAsync(CancellationToken ct) => signer.EnsureReadyAsync(ct);

    public string LinkFor(Guid registrationId) => $"{kabar.Value.PublicBaseUrl.TrimEnd('/')}/status/{TokenFor(registrationId)}";

    public string TokenFor(Guid registrationId)
    {
        var id = registrationId.ToByteArray();
        var token = new byte[16 + TagBytes];
        id.CopyTo(token, 0);
        signer.Tag(Purpose, id).CopyTo(token, 16);
        return Base64Url.Encode(token);
    }

    /// <summary>The registration a token names, or null when it is malformed or its tag does not match.</summary>
    public Guid? Read(string? token)
    {
        if (token is not { Length: 43 } || !Base64Url.TryDecode(token, out var bytes) || bytes.Length != 16 + TagBytes)
        {
            return null;
        }

        var id = bytes.AsSpan(0, 16).ToArray();
        return CryptographicOperations.FixedTimeEquals(signer.Tag(Purpose, id), bytes.AsSpan(16)) ? new Guid(id) : null;
    }

    private static ReadOnlySpan<byte> Purpose => "kabar-status:"u8;
}
