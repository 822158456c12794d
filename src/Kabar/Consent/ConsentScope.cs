using System.Text.Json.Serialization;

namespace Kabar.Consent;

/// <summary>What a consent covers (SPEC §2).</summary>
public enum ConsentScope
{
    [JsonStringEnumMemberName("whatsapp")] WhatsApp,
    [JsonStringEnumMemberName("whatsapp_marketing")] WhatsAppMarketing,
}
