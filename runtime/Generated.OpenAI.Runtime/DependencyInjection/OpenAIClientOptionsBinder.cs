using System;
using System.Globalization;
using Generated.OpenAI.Http;
using Microsoft.Extensions.Configuration;

namespace Generated.OpenAI.DependencyInjection;

/// <summary>Binds <see cref="OpenAIClientOptions"/> from configuration by hand: no reflection, so it is trimming- and AOT-safe.</summary>
internal static class OpenAIClientOptionsBinder
{
    public static void Bind(IConfiguration section, OpenAIClientOptions options)
    {
        if (section[nameof(OpenAIClientOptions.ApiKey)] is { Length: > 0 } apiKey) { options.ApiKey = apiKey; }
        if (section[nameof(OpenAIClientOptions.AdminApiKey)] is { Length: > 0 } adminKey) { options.AdminApiKey = adminKey; }
        if (section[nameof(OpenAIClientOptions.BaseUrl)] is { Length: > 0 } baseUrl)
        {
            options.BaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? uri)
                ? uri
                : throw Invalid(section, nameof(OpenAIClientOptions.BaseUrl), "an absolute URI");
        }
        if (section[nameof(OpenAIClientOptions.Organization)] is { Length: > 0 } organization) { options.Organization = organization; }
        if (section[nameof(OpenAIClientOptions.Project)] is { Length: > 0 } project) { options.Project = project; }
        if (section[nameof(OpenAIClientOptions.SafetyIdentifier)] is { Length: > 0 } safety) { options.SafetyIdentifier = safety; }
        if (section[nameof(OpenAIClientOptions.UserAgentSuffix)] is { Length: > 0 } suffix) { options.UserAgentSuffix = suffix; }
        if (section[nameof(OpenAIClientOptions.MaxRetries)] is { Length: > 0 } maxRetries)
        {
            options.MaxRetries = int.TryParse(maxRetries, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0
                ? value
                : throw Invalid(section, nameof(OpenAIClientOptions.MaxRetries), "a non-negative integer");
        }
        if (ReadTimeSpan(section, nameof(OpenAIClientOptions.Timeout)) is { } timeout) { options.Timeout = timeout; }
        if (ReadTimeSpan(section, nameof(OpenAIClientOptions.InitialRetryDelay)) is { } initial) { options.InitialRetryDelay = initial; }
        if (ReadTimeSpan(section, nameof(OpenAIClientOptions.MaxRetryDelay)) is { } maxDelay) { options.MaxRetryDelay = maxDelay; }
        if (ReadTimeSpan(section, nameof(OpenAIClientOptions.MaxRetryAfter)) is { } maxRetryAfter) { options.MaxRetryAfter = maxRetryAfter; }
        foreach (IConfigurationSection header in section.GetSection(nameof(OpenAIClientOptions.DefaultHeaders)).GetChildren())
        {
            if (header.Value is not null)
            {
                options.DefaultHeaders[header.Key] = header.Value;
            }
        }
    }

    private static TimeSpan? ReadTimeSpan(IConfiguration section, string key)
    {
        string? text = section[key];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value)
            ? value
            : throw Invalid(section, key, "a time span such as 00:00:30");
    }

    private static InvalidOperationException Invalid(IConfiguration section, string key, string expected)
    {
        string path = section is IConfigurationSection s ? s.Path + ":" + key : key;
        return new InvalidOperationException($"Configuration value '{path}' must be {expected}.");
    }
}
