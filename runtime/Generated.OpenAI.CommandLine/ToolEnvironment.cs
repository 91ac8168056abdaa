using System;
using Generated.OpenAI.Http;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// The environment every command reads: <c>OPENAI_API_KEY</c>, <c>OPENAI_ADMIN_KEY</c> and <c>OPENAI_BASE_URL</c>, in
/// one place for the generated commands, <c>realtime</c> and <c>batch</c>.
/// </summary>
internal static class ToolEnvironment
{
    /// <summary>The key that <c>simulate</c> prints and the built-in simulators are given (they accept any key).</summary>
    public const string SimulatorApiKey = "sk-simulator";

    /// <summary>
    /// Client options from the variables: blank keys are absent; a base URL that is not an absolute http(s) URL is a
    /// usage error that names the variable but not its value (it may carry a token), never a fall-back to OpenAI.
    /// </summary>
    public static OpenAIClientOptions ReadOptions(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        OpenAIClientOptions options;
        try
        {
            options = new OpenAIClientOptions(); // reads the process's variables, which getVariable below replaces
        }
        catch (InvalidOperationException ex)
        {
            throw new UsageException(ex.Message, ex);
        }
        options.ApiKey = NonEmpty(getVariable("OPENAI_API_KEY"));
        options.AdminApiKey = NonEmpty(getVariable("OPENAI_ADMIN_KEY"));
        options.BaseUrl = OpenAIClientOptions.DefaultBaseUrl;
        if (NonEmpty(getVariable("OPENAI_BASE_URL")) is { } baseUrl)
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException("OPENAI_BASE_URL is set but is not an absolute http:// or https:// URL (for example https://api.openai.com/v1); fix it or unset it.");
            }
            options.BaseUrl = uri;
        }
        return options;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
