namespace Kabar.GoLive;

/// <summary>The console's latest go-live check, kept in memory so that opening the page costs Meta no calls.</summary>
public sealed class LastCheck
{
    public CheckReport? Report { get; set; }
}
