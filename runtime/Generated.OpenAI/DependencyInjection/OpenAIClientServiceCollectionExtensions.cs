using System;
using Generated.OpenAI.Http;
using Generated.OpenAI.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.DependencyInjection;

/// <summary>Registers the generated <see cref="OpenAIClient"/> and the <see cref="RealtimeClient"/> over the HTTP pipeline that <c>AddOpenAIPipeline</c> registers.</summary>
public static class OpenAIClientServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddOpenAI(IServiceCollection, IConfiguration, Action{OpenAIClientOptions}?)"/> binds: <c>OpenAI</c>.</summary>
    public const string ConfigurationSectionName = "OpenAI";

    /// <summary>
    /// Registers a singleton <see cref="OpenAIClient"/> and a singleton <see cref="RealtimeClient"/> (logging through the
    /// container's <see cref="ILoggerFactory"/>) over a singleton <see cref="OpenAIPipeline"/> whose
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
        AddClients(services);
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
        AddClients(services);
        return builder;
    }

    /// <summary>
    /// The generated <see cref="OpenAIClient"/> and the <see cref="RealtimeClient"/>, both over the registered pipeline;
    /// realtime sessions log through the container's <see cref="ILoggerFactory"/> when there is one.
    /// </summary>
    private static void AddClients(IServiceCollection services)
    {
        services.TryAddSingleton(static provider => new OpenAIClient(provider.GetRequiredService<OpenAIPipeline>()));
        services.TryAddSingleton(static provider => new RealtimeClient(provider.GetRequiredService<OpenAIPipeline>(), provider.GetService<ILoggerFactory>()));
    }
}
