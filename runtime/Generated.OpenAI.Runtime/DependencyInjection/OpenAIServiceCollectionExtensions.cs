using System;
using System.Net.Http;
using Generated.OpenAI.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Generated.OpenAI.DependencyInjection;

/// <summary>Registers the OpenAI HTTP pipeline: options, a named <see cref="HttpClient"/> and a singleton <see cref="OpenAIPipeline"/>.</summary>
public static class OpenAIServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> registered with <see cref="IHttpClientFactory"/>.</summary>
    public const string HttpClientName = "Generated.OpenAI";

    /// <summary>
    /// Registers <see cref="OpenAIClientOptions"/> (configured by <paramref name="configure"/>), the named client
    /// <see cref="HttpClientName"/> and a singleton <see cref="OpenAIPipeline"/> that asks the factory for a client per call.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (after environment defaults), or <see langword="null"/>.</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddOpenAIPipeline(this IServiceCollection services, Action<OpenAIClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<OpenAIClientOptions> options = services.AddOptions<OpenAIClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        // The pipeline enforces OpenAIClientOptions.Timeout per attempt; the factory's 100 s default must not cut in.
        IHttpClientBuilder builder = services.AddHttpClient(HttpClientName, client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(static provider => new OpenAIPipeline(
            provider.GetRequiredService<IOptions<OpenAIClientOptions>>().Value,
            provider.GetRequiredService<IHttpClientFactory>(),
            HttpClientName,
            provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(OpenAIPipeline).FullName!)));
        return builder;
    }

    /// <summary>
    /// Like <see cref="AddOpenAIPipeline(IServiceCollection, Action{OpenAIClientOptions}?)"/>, binding the options from a
    /// configuration section (for example <c>configuration.GetSection("OpenAI")</c>) without reflection: keys
    /// <c>ApiKey</c>, <c>AdminApiKey</c>, <c>BaseUrl</c>, <c>Organization</c>, <c>Project</c>, <c>SafetyIdentifier</c>,
    /// <c>Timeout</c>, <c>MaxRetries</c>, <c>InitialRetryDelay</c>, <c>MaxRetryDelay</c>, <c>MaxRetryAfter</c>,
    /// <c>UserAgentSuffix</c> and the <c>DefaultHeaders</c> subsection. Absent keys keep their defaults.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Further configuration applied after binding, or <see langword="null"/>.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddOpenAIPipeline(this IServiceCollection services, IConfiguration configuration, Action<OpenAIClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OpenAIClientOptions>().Configure(options => OpenAIClientOptionsBinder.Bind(configuration, options));
        return services.AddOpenAIPipeline(configure);
    }
}
