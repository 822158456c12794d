namespace Kabar.WhatsApp;

/// <summary>Kabar's client of the WhatsApp Cloud API (Meta's, or the built-in simulator).</summary>
public interface IWhatsAppClient
{
    /// <summary>
    /// Sends a message; <paramref name="written"/>, when given, is called once the request is
    /// written to its connection (again, should the client retry it on another).
    /// </summary>
    Task<WhatsAppSendResult> SendAsync(WhatsAppSendRequest request, CancellationToken ct, Action? written = null);

    /// <summary>All templates of the WABA, following <c>paging.next</c>.</summary>
    Task<IReadOnlyList<RemoteTemplate>> GetTemplatesAsync(CancellationToken ct);
}
