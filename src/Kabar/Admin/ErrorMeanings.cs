namespace Kabar.Admin;

/// <summary>What each WhatsApp error code means, in the words the console shows (SPEC §6).</summary>
public static class ErrorMeanings
{
    private static readonly Dictionary<int, string> Meanings = new()
    {
        [130429] = "Throughput reached: too many messages per second",
        [131000] = "Something went wrong at Meta",
        [131016] = "Service temporarily unavailable",
        [133004] = "Server temporarily unavailable",
        [131057] = "Account in maintenance mode",
        [131056] = "Too many messages to one person in a short time (pair rate)",
        [131047] = "More than 24 hours since the person's last message: template needed",
        [131026] = "Message undeliverable: not on WhatsApp or old app",
        [131049] = "Held back by Meta to keep marketing engagement healthy",
        [131050] = "The person stopped marketing messages",
        [130403] = "Sending to this country is not allowed",
        [131051] = "Unsupported message type",
        [132000] = "Template parameter count does not match",
        [132001] = "Template does not exist in this language",
        [132012] = "Template parameter format does not match",
        [132015] = "Template paused for low quality",
        [132016] = "Template disabled for low quality",
        [132018] = "Template parameters are invalid",
        [100] = "Invalid parameter in the request",
        [131008] = "A required parameter is missing",
        [131009] = "A parameter value is invalid",
        [190] = "Access token expired or invalid",
        [0] = "Authentication failed",
        [10] = "Permission denied",
        [131031] = "Business account locked",
        [131042] = "Payment problem on the business account",
        [368] = "Temporarily blocked for policy violations",
        [2] = "Meta API service problem",
        [4] = "Too many API calls",
        [80007] = "Rate limit reached",
    };

    public static string For(int code) => Meanings.GetValueOrDefault(code, "Unlisted code: treated as a request problem");
}
