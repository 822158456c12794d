namespace Kabar.Contacts;

internal sealed record ConsentChangeResponse(ConsentEventResponse? Event, ContactResponse Contact);
