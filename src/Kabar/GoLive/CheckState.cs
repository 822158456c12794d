namespace Kabar.GoLive;

/// <summary>How one line of the go-live check ended.</summary>
public enum CheckState
{
    /// <summary>Right as it is.</summary>
    Ok,

    /// <summary>Not what it should be, but sending works.</summary>
    Warn,

    /// <summary>Sending does not work (or not for everyone) until it is fixed.</summary>
    Fail,

    /// <summary>Something to copy somewhere, such as the webhook URL.</summary>
    Info,
}
