namespace Kabar.Common;

/// <summary>A setting that can never work; start-up stops with its message, which names the key.</summary>
public sealed class KabarConfigurationException : InvalidOperationException
{
    public KabarConfigurationException(string message) : base(message)
    {
    }

    public KabarConfigurationException(string message, Exception inner) : base(message, inner)
    {
    }
}
