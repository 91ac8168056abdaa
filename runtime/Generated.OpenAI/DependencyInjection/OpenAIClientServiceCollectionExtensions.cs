using System;
using Generated.OpenAI.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Generated.OpenAI.DependencyInjection;

/// <summary>Registers the generated <see cref="OpenAIClient"/> over the HTTP pipeline that <c>AddOpenAIPipeline</c> registers.</summary>
public static class OpenAIClientServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddOpenAI(IServiceCollection, IConfiguration, Action{OpenAIClientOptions}?)"/> binds: <c>OpenAI</c>.</summary>
    public const string ConfigurationSectionName = "OpenAI";

    /// <summary>
    /// Registers a singleton <see cref="OpenAIClient"/> over a singleton <see cref="OpenAIPipeline"/> whose
    /// <see cref="System.Net.Http.HttpClient"/> comes from <see cref="System.Net.Http.IHttpClientFactory"/> (the named
    /// client <see cref="OpenAIServiceCollectionExtensions.HttpClientName"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (after the environment defaults), or <see langword="null"/>.</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddOpenAI(this IServiceCollection services, Action<OpenAIClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        IHttpClientBuilder builder = services.AddOpenAIPipeline(configure);
        services.TryAddSingleton(static provider => new OpenAIClient(provider.GetRequiredService<OpenAIPipeline>()));
        return builder;
    }

    /// <summary>
    /// Like <see cref="AddOpenAI(IServiceCollection, Action{OpenAIClientOptions}?)"/>, binding the options from the
    /// <c>OpenAI</c> section of <paramref name="configuration"/> (keys <c>ApiKey</c>, <c>AdminApiKey</c>, <c>BaseUrl</c>,
    /// <c>Organization</c>, <c>Project</c>, <c>SafetyIdentifier</c>, <c>Timeout</c>, <c>MaxRetries</c>, ...; see
    /// <c>AddOpenAIPipeline</c>), without reflection. Absent keys keep their defaults; <paramref name="configure"/> runs after.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration whose <c>OpenAI</c> section holds the options (for example the host's).</param>
    /// <param name="configure">Further configuration applied after binding, or <see langword="null"/>.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddOpenAI(this IServiceCollection services, IConfiguration configuration, Action<OpenAIClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        IHttpClientBuilder builder = services.AddOpenAIPipeline(configuration.GetSection(ConfigurationSectionName), configure);
        services.TryAddSingleton(static provider => new OpenAIClient(provider.GetRequiredService<OpenAIPipeline>()));
        return builder;
    }
}
