namespace Kabar.Channels;

/// <summary>One SMS: <paramref name="To"/> in E.164 with '+', <paramref name="Reference"/> the attempt id.</summary>
public sealed record SmsMessage(string To, string Text, string Reference);
