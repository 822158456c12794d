using System.Text.Json.Serialization;
using Kabar.Consent;

namespace Kabar.Contacts;

public sealed record ConsentStates(
    [property: JsonPropertyName("whatsapp")] ConsentState WhatsApp,
    [property: JsonPropertyName("whatsappMarketing")] ConsentState WhatsAppMarketing);
