namespace Kabar.WhatsApp;

/// <summary>Kabar's client of the WhatsApp Cloud API (Meta's, or the built-in simulator).</summary>
public interface IWhatsAppClient
{
    Task<WhatsAppSendResult> SendAsync(WhatsAppSendRequest request, CancellationToken ct);

    /// <summary>All templates of the WABA, following <c>paging.next</c>.</summary>
    Task<IReadOnlyList<RemoteTemplate>> GetTemplatesAsync(CancellationToken ct);
}
