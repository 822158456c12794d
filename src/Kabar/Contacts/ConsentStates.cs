using System.Text.Json.Serialization;
using Kabar.Consent;

namespace Kabar.Contacts;

/// <summary>The current consent per scope, derived from the ledger (the latest event wins).</summary>
/// <param name="WhatsApp">Scope <c>whatsapp</c>: all business-initiated WhatsApp messages.</param>
/// <param name="WhatsAppMarketing">Scope <c>whatsapp_marketing</c>: marketing templates only.</param>
public sealed record ConsentStates(
    [property: JsonPropertyName("whatsapp")] ConsentState WhatsApp,
    [property: JsonPropertyName("whatsappMarketing")] ConsentState WhatsAppMarketing);
