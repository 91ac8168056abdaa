using System;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Realtime;
using Microsoft.Extensions.AI;
using MeaiSessionOptions = Microsoft.Extensions.AI.RealtimeSessionOptions;
using SdkSessionOptions = Generated.OpenAI.Realtime.RealtimeSessionOptions;

namespace Generated.OpenAI.Extensions.AI.Realtime;

/// <summary>
/// <see cref="IRealtimeClient"/> over this SDK's <see cref="RealtimeClient"/>: each <see cref="CreateSessionAsync"/> connects a
/// session (sessions v2) and sends the options as its <c>session.update</c>. <see cref="RealtimeSessionKind.Conversation"/>
/// (the default) opens a voice-agent session (<see cref="RealtimeVoiceSession"/>, <c>/realtime?model=</c>);
/// <see cref="RealtimeSessionKind.Transcription"/> a transcription session (<see cref="RealtimeTranscriptionSession"/>,
/// <c>?intent=transcription</c>: only the input format, transcription and turn detection apply). Translation sessions
/// (<c>/realtime/translations</c>) are not reachable: MEAI 11 has no session kind and no messages for them (their events
/// are a vocabulary of their own); use <see cref="RealtimeClient.ConnectTranslationAsync"/>.
/// </summary>
/// <remarks>
/// The sessions' connection settings (timeouts, queue bounds, <see cref="SdkSessionOptions.AudioSink"/>) come from the
/// <see cref="SdkSessionOptions"/> given here. With an <see cref="SdkSessionOptions.AudioSink"/> the model's audio is decoded
/// from the receive buffer straight into the sink (0 B per delta) and the MEAI stream carries no
/// <see cref="RealtimeServerMessageType.OutputAudioDelta"/> messages; without one, each delta is a message whose
/// <see cref="OutputTextAudioRealtimeServerMessage.Audio"/> is the base64 text as it arrived (MEAI's type is a string).
/// Thread-safe.
/// </remarks>
public sealed class RealtimeClientAdapter : IRealtimeClient
{
    private readonly RealtimeClient _client;
    private readonly string? _defaultModelId;
    private readonly SdkSessionOptions? _sessionOptions;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the adapter.</summary>
    /// <param name="client">The SDK's realtime client (its options give the key and base URL).</param>
    /// <param name="defaultModelId">The model when <see cref="MeaiSessionOptions.Model"/> gives none (default <see cref="RealtimeClient.DefaultVoiceModel"/>).</param>
    /// <param name="sessionOptions">Connection settings of every session (timeouts, bounds, audio sink).</param>
    public RealtimeClientAdapter(RealtimeClient client, string? defaultModelId = null, SdkSessionOptions? sessionOptions = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = defaultModelId;
        _sessionOptions = sessionOptions;
        _metadata = new ChatClientMetadata(OpenAIProvider.Name, client.Options.BaseUrl, defaultModelId ?? RealtimeClient.DefaultVoiceModel);
    }

    /// <summary>
    /// Connects a session and, when <paramref name="options"/> are given, sends them as its <c>session.update</c> and waits
    /// for the <c>session.updated</c> (a rejected update throws <see cref="RealtimeErrorException"/> and closes the session).
    /// </summary>
    public async Task<IRealtimeClientSession> CreateSessionAsync(MeaiSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.SessionKind == RealtimeSessionKind.Transcription)
        {
            RealtimeTranscriptionSession transcription = await _client.ConnectTranscriptionAsync(_sessionOptions, cancellationToken).ConfigureAwait(false);
            var adapter = new RealtimeClientSessionAdapter(transcription, _metadata);
            await InitializeAsync(adapter, options, cancellationToken).ConfigureAwait(false);
            return adapter;
        }

        string model = options?.Model ?? _defaultModelId ?? RealtimeClient.DefaultVoiceModel;
        RealtimeVoiceSession voice = await _client.ConnectVoiceAgentAsync(model, _sessionOptions, cancellationToken).ConfigureAwait(false);
        var session = new RealtimeClientSessionAdapter(voice, _metadata);
        await InitializeAsync(session, options, cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <summary>The <see cref="RealtimeClient"/>, this adapter, or the <see cref="ChatClientMetadata"/>; <see langword="null"/> for anything else or any key.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="RealtimeClient"/> belongs to the caller, and each session to whoever created it.</summary>
    public void Dispose()
    {
    }

    private static async Task InitializeAsync(RealtimeClientSessionAdapter session, MeaiSessionOptions? options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            return;
        }

        try
        {
            await session.SendAsync(new SessionUpdateRealtimeClientMessage(options), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
