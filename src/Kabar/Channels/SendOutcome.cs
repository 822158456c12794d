namespace Kabar.Channels;

/// <summary>What became of one send request to a provider.</summary>
public enum SendOutcome
{
    /// <summary>The provider took the message (not yet delivered).</summary>
    Accepted,

    /// <summary>The provider answered with an error, or the request never left: nothing was sent.</summary>
    Failed,

    /// <summary>The request may have reached the provider but no answer came (timeout, dropped connection).</summary>
    Unknown,
}
