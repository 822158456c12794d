namespace Kabar.Channels;

/// <summary>Applies an SMS delivery report (<c>POST /webhooks/sms/http</c>) to the attempt it names.</summary>
public interface ISmsDeliveryReports
{
    /// <summary>Returns false when no attempt has that reference.</summary>
    Task<bool> ApplyAsync(string reference, string status, DateTime at, CancellationToken ct);
}
