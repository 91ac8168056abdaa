using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A voice-agent session on <c>/v1/realtime?model=…</c>: session updates, input audio, responses, function tools,
/// interruption and the output transcript. See <see cref="RealtimeSession{TServerEvent}"/> for the loop, the
/// event stream, errors and lifetime.
/// </summary>
public partial class RealtimeVoiceSession : RealtimeSession<RealtimeServerEvent>
{
    private readonly object _stateLock = new();
    private readonly Dictionary<string, (RealtimeFunctionTool Definition, RealtimeFunctionHandler Handler)> _tools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string CallId, Task<string> Output)>> _pendingCalls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _toolsStopping = new();
    private readonly List<Task> _toolRuns = [];
    private string? _activeResponseId;
    private string? _currentAudioItemId;
    private long _currentItemAudioBytes;

    internal RealtimeVoiceSession(WebSocketConnection connection, RealtimeSessionOptions options)
        : base(connection, options, Descriptor)
    {
    }

    /// <summary>For a voice-agent session on another endpoint or transport (<see cref="RealtimeCallSession"/>).</summary>
    private protected RealtimeVoiceSession(WebSocketConnection connection, RealtimeSessionOptions options, RealtimeSessionDescriptor<RealtimeServerEvent> kind)
        : base(connection, options, kind)
    {
    }

    /// <summary>
    /// Whether the server plays the output audio (a WebRTC or SIP call, see <see cref="RealtimeCallSession"/>): then
    /// <c>output_audio_buffer.clear</c> is valid and the server knows what was heard; over a plain WebSocket the app plays it.
    /// </summary>
    private protected virtual bool ServerPlaysAudio => false;

    /// <summary>The voice-agent and transcription endpoint: <c>/realtime</c>, <see cref="RealtimeServerEvent"/>, 100 ms appends.</summary>
    internal static RealtimeSessionDescriptor<RealtimeServerEvent> Descriptor { get; } = new()
    {
        Path = "realtime",
        AudioAppendType = RealtimeAudioBufferAppend.TypeUtf8.ToArray(),
        AudioDeltaType = RealtimeServerEventResponseAudioDelta.TypeUtf8.ToArray(),
        DefaultChunkBytes = RealtimeAudio.BytesPer100Milliseconds,
        GetError = static e => e.TryGetError(out RealtimeServerEventError? error) ? error : null,
        IsAudioDelta = static e => e.Kind == RealtimeServerEventKind.ResponseOutputAudioDelta,
        IsSessionCreated = static e => e.Kind == RealtimeServerEventKind.SessionCreated,
        GetExpiresAt = static e => e.Value is RealtimeServerEventSessionCreated created
            ? created.Session.TryGetRealtime(out RealtimeSessionInfo? realtime) ? realtime.ExpiresAt
            : created.Session.TryGetTranscription(out RealtimeTranscriptionSessionInfo? transcription) ? transcription.ExpiresAt : null
            : null,
        EndsUncommittedAudio = static e => e.Kind is RealtimeServerEventKind.InputAudioBufferCommitted or RealtimeServerEventKind.InputAudioBufferCleared,
        CreateAudioDeltaBuilder = static () => new RealtimeAudioDeltaBuilder(),
    };

    /// <summary>The model's audio transcripts (<c>response.output_audio_transcript.delta</c> joined verbatim per item).</summary>
    public RealtimeTranscriptAccumulator OutputTranscripts { get; } = new();

    /// <summary>The user's input transcripts (<c>conversation.item.input_audio_transcription.*</c>), when input transcription is on.</summary>
    public RealtimeTranscriptAccumulator InputTranscripts { get; } = new();

    /// <summary>Whether tool outputs are followed by <c>response.create</c> automatically. Default: true.</summary>
    public bool CreateResponseAfterToolCalls { get; set; } = true;

    /// <summary>The response in flight (between <c>response.created</c> and <c>response.done</c>), if any.</summary>
    public string? ActiveResponseId
    {
        get
        {
            lock (_stateLock)
            {
                return _activeResponseId;
            }
        }
    }

    /// <summary>The assistant item whose audio is streaming (or streamed last), if any.</summary>
    public string? CurrentAudioItemId
    {
        get
        {
            lock (_stateLock)
            {
                return _currentAudioItemId;
            }
        }
    }

    /// <summary>PCM16 bytes received for <see cref="CurrentAudioItemId"/>.</summary>
    public long CurrentItemAudioBytes => Interlocked.Read(ref _currentItemAudioBytes);

    /// <summary>
    /// Registers a function tool: its definition is added to <c>session.tools</c> by <see cref="UpdateSessionAsync"/>,
    /// and when the model calls it (<c>response.function_call_arguments.done</c>) the handler runs off the receive loop.
    /// Once that response is done, each output is sent as a <c>conversation.item.create</c> with a
    /// <c>function_call_output</c> item, then <c>response.create</c> (see <see cref="CreateResponseAfterToolCalls"/>).
    /// A handler that throws produces the output <c>{"error":"message"}</c>.
    /// </summary>
    public void AddFunctionTool(string name, RealtimeFunctionHandler handler, string? description = null, JsonElement? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        using JsonDocument emptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""");
        var definition = new RealtimeFunctionTool
        {
            Name = name,
            Description = description,
            Parameters = parameters ?? emptySchema.RootElement.Clone(),
        };
        lock (_stateLock)
        {
            _tools[name] = (definition, handler);
        }
    }

    /// <summary>
    /// Sends <c>session.update</c> (always <c>"type":"realtime"</c>), adding the registered function tools that
    /// <paramref name="session"/> does not already list, and waits for the <c>session.updated</c> that answers it
    /// (updates are answered in the order they were sent; one the server rejects is answered by an <c>error</c>
    /// naming its <c>event_id</c>).
    /// </summary>
    /// <exception cref="RealtimeErrorException">The server rejected the update.</exception>
    /// <exception cref="RealtimeSessionClosedException">The session ended first.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    /// <returns>The <c>session.updated</c> event.</returns>
    public Task<RealtimeServerEvent> UpdateSessionAsync(RealtimeSessionConfig session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_stateLock)
        {
            foreach ((string name, (RealtimeFunctionTool definition, _)) in _tools.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                session.Tools ??= new List<RealtimeSessionTool>();
                bool listed = session.Tools.Any(t => t.IsFunction && t.AsFunction().Name == name);
                if (!listed)
                {
                    session.Tools.Add(RealtimeSessionTool.FromFunction(definition));
                }
            }
        }

        return SendConfigurationAsync(() => new RealtimeClientEventSessionUpdate { Session = RealtimeClientEventSessionUpdateSession.FromRealtime(session) }, RealtimeConversationRules.AnswersUpdate, TypeName(RealtimeServerEventSessionUpdated.TypeUtf8), cancellationToken);
    }

    /// <summary>
    /// Sends any client event; gives it an <c>event_id</c> when it has none and returns that id (a
    /// <see cref="RealtimeEventId"/>, which converts to its string: an id the session gave is made a string only when read).
    /// </summary>
    public ValueTask<RealtimeEventId> SendAsync(RealtimeClientEvent clientEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        return clientEvent.Value is IRealtimeEvent model
            ? SendEventAsync(clientEvent, RealtimeEnvelopeWriters.ClientEvent, model, cancellationToken)
            : SendRawEventAsync(clientEvent.UnknownJson!.Value, cancellationToken);
    }

    /// <summary>Sends <c>input_audio_buffer.commit</c> (needed when turn detection is off).</summary>
    public ValueTask<RealtimeEventId> CommitAudioAsync(CancellationToken cancellationToken = default)
        => SendEventAsync(new RealtimeClientEventInputAudioBufferCommit(), cancellationToken);

    /// <summary>Sends <c>input_audio_buffer.clear</c>.</summary>
    public ValueTask<RealtimeEventId> ClearInputAudioAsync(CancellationToken cancellationToken = default)
        => SendEventAsync(new RealtimeClientEventInputAudioBufferClear(), cancellationToken);

    /// <summary>Sends <c>response.create</c>, with optional per-response parameters.</summary>
    public ValueTask<RealtimeEventId> CreateResponseAsync(RealtimeResponseCreateParams? response = null, CancellationToken cancellationToken = default)
        => SendEventAsync(new RealtimeClientEventResponseCreate { Response = response }, cancellationToken);

    /// <summary>
    /// Interrupts the assistant: <c>response.cancel</c> (when a response is in flight) and
    /// <c>conversation.item.truncate</c> of <see cref="CurrentAudioItemId"/> at <paramref name="audioEndMs"/>
    /// (default: all audio received so far for that item, i.e. what a player that keeps up has played), so that the
    /// conversation holds what the user heard. Over a WebSocket the app owns playback: stop your player too.
    /// (<c>output_audio_buffer.clear</c> is for WebRTC and SIP only and is not sent.) Returns the event ids sent, in order.
    /// On a call (<see cref="RealtimeCallSession"/>) the server plays the audio: <c>response.cancel</c> (when a response
    /// is in flight), a truncate only when <paramref name="audioEndMs"/> is given, then <c>output_audio_buffer.clear</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> InterruptAsync(long? audioEndMs = null, CancellationToken cancellationToken = default)
    {
        string? responseId;
        string? itemId;
        lock (_stateLock)
        {
            responseId = _activeResponseId;
            itemId = _currentAudioItemId;
        }

        var sent = new List<string>(2);
        if (responseId is not null)
        {
            sent.Add(await SendEventAsync(new RealtimeClientEventResponseCancel { ResponseId = responseId }, cancellationToken).ConfigureAwait(false));
        }

        // On a call the server plays the audio and knows what the caller heard: received bytes mean nothing there, so
        // it truncates only at a point the app gives.
        if (itemId is not null && (!ServerPlaysAudio || audioEndMs is not null))
        {
            long endMs = audioEndMs ?? (CurrentItemAudioBytes * 1000 / RealtimeAudio.BytesPerSecond);
            var truncate = new RealtimeClientEventConversationItemTruncate { ItemId = itemId, ContentIndex = 0, AudioEndMs = endMs };
            sent.Add(await SendEventAsync(truncate, cancellationToken).ConfigureAwait(false));
        }

        if (ServerPlaysAudio)
        {
            sent.Add(await SendEventAsync(new RealtimeClientEventOutputAudioBufferClear(), cancellationToken).ConfigureAwait(false));
        }

        return sent;
    }

    private protected override void OnDisposing() => _toolsStopping.Cancel();

    // Only the receive loop writes the count (it is reset in SetAudioItem, on the loop too; readers use Interlocked.Read):
    // no locked add per delta.
    private protected override void OnAudioDecoded(int pcmBytes) => Volatile.Write(ref _currentItemAudioBytes, _currentItemAudioBytes + pcmBytes);

    /// <summary>What <see cref="OnEvent"/> does for an output audio delta without a sink (the conversation log keeps no delta), without its type switch.</summary>
    private protected override void OnAudioDelta(RealtimeServerEvent serverEvent, long pcmBytes)
    {
        // A cast, not AsResponseOutputAudioDelta: the event is the audio delta builder's, and the accessor, with its
        // throw and message, is never inlined (a call per delta on a reader's step).
        SetAudioItem(((RealtimeServerEventResponseAudioDelta)serverEvent.Value!).ItemId);
        Volatile.Write(ref _currentItemAudioBytes, _currentItemAudioBytes + pcmBytes);
    }

    private protected override void OnEvent(RealtimeServerEvent serverEvent)
    {
        // Typed events only: an Unknown event (a type this SDK does not know, or one that lacks what the spec
        // requires) is published but never acted on.
        if (RestoresConversation)
        {
            ConversationLog.Observe(serverEvent);
        }

        switch (serverEvent.Value)
        {
            case RealtimeServerEventResponseCreated created:
                lock (_stateLock)
                {
                    _activeResponseId = created.Response.Id;
                }

                break;
            case RealtimeServerEventResponseContentPartAdded part:
                SetAudioItem(part.ItemId);
                break;
            case RealtimeServerEventResponseAudioDelta delta:
                SetAudioItem(delta.ItemId);
                if (AudioSink is null && AudioOutput is null)
                {
                    Interlocked.Add(ref _currentItemAudioBytes, DecodedLength(delta.Delta));
                }

                break;
            case RealtimeOutputTranscriptDelta transcriptDelta:
                OutputTranscripts.Append(transcriptDelta.ItemId, transcriptDelta.ResponseId, transcriptDelta.Delta);
                break;
            case RealtimeOutputTranscriptDone transcriptDone:
                OutputTranscripts.Complete(transcriptDone.ItemId, transcriptDone.ResponseId, null);
                break;
            case RealtimeInputTranscriptionDelta inputDelta:
                InputTranscripts.Append(inputDelta.ItemId, null, inputDelta.Delta);
                break;
            case RealtimeInputTranscriptionCompleted inputDone:
                InputTranscripts.Complete(inputDone.ItemId, null, inputDone.Transcript);
                break;
            case RealtimeFunctionCallArgumentsDone call:
                StartFunctionCall(call);
                break;
            case RealtimeServerEventConversationItemDone { Item.IsMcpApprovalRequest: true } itemDone:
                StartMcpApproval(itemDone.Item.AsMcpApprovalRequest());
                break;
            case RealtimeServerEventResponseDone done:
                OnResponseDone(done);
                break;
        }
    }

    /// <summary>
    /// The response in flight ended: its function outputs go out. A method of its own because its lambda captures
    /// locals: in <see cref="OnEvent"/> the closure would be allocated on entering the switch, for every event.
    /// </summary>
    private void OnResponseDone(RealtimeServerEventResponseDone done)
    {
        string? doneId = done.Response.Id;
        lock (_stateLock)
        {
            if (_activeResponseId == doneId)
            {
                _activeResponseId = null;
            }

            if (doneId is not null && _pendingCalls.Remove(doneId, out List<(string CallId, Task<string> Output)>? calls))
            {
                _toolRuns.RemoveAll(t => t.IsCompleted);
                CancellationToken connectionScope = ConnectionScope;
                _toolRuns.Add(Task.Run(() => SendFunctionOutputsAsync(calls, connectionScope)));
            }
        }
    }

    private void SetAudioItem(string itemId)
    {
        // Only the receive loop writes the field, so it reads its own last write without the lock: every delta of an
        // item carries the same string (RealtimeAudioDeltaBuilder hands the previous one out again), and then there
        // is nothing to change.
        if (ReferenceEquals(_currentAudioItemId, itemId))
        {
            return;
        }

        lock (_stateLock)
        {
            if (_currentAudioItemId != itemId)
            {
                _currentAudioItemId = itemId;
                Interlocked.Exchange(ref _currentItemAudioBytes, 0);
            }
        }
    }

    private void StartFunctionCall(RealtimeFunctionCallArgumentsDone call)
    {
        RealtimeFunctionHandler? handler;
        lock (_stateLock)
        {
            handler = _tools.TryGetValue(call.Name, out var tool) ? tool.Handler : null;
            if (handler is null)
            {
                return;
            }

            if (!_pendingCalls.TryGetValue(call.ResponseId, out List<(string CallId, Task<string> Output)>? list))
            {
                list = [];
                _pendingCalls.Add(call.ResponseId, list);
            }

            string arguments = call.Arguments;
            CancellationToken token = _toolsStopping.Token;
            RealtimeToolCallTrace trace = Telemetry.TraceToolCall(call.Name, call.CallId, call.ResponseId);
            list.Add((call.CallId, Task.Run(() => RunHandlerAsync(handler, arguments, trace, token))));
        }
    }

    private static async Task<string> RunHandlerAsync(RealtimeFunctionHandler handler, string arguments, RealtimeToolCallTrace trace, CancellationToken cancellationToken)
    {
        using Activity? activity = trace.Start();
        try
        {
            return await handler(arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RealtimeToolCallTrace.Fail(activity, ex);
            return JsonSerializerError(ex.Message);
        }
    }

    /// <param name="calls">The calls of one response, with their running handlers.</param>
    /// <param name="connectionScope">Cancelled when the connection those calls came from is lost: their outputs must
    /// not reach a resumed session, which never saw the calls.</param>
    private async Task SendFunctionOutputsAsync(List<(string CallId, Task<string> Output)> calls, CancellationToken connectionScope)
    {
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_toolsStopping.Token, connectionScope);
            CancellationToken token = linked.Token;
            foreach ((string callId, Task<string> output) in calls)
            {
                string text = await output.ConfigureAwait(false);
                var item = new RealtimeConversationItemFunctionCallOutput { CallId = callId, Output = text };
                await SendEventAsync(new RealtimeConversationItemCreate { Item = RealtimeConversationItem.FromFunctionCallOutput(item) }, token).ConfigureAwait(false);
            }

            if (CreateResponseAfterToolCalls)
            {
                await CreateResponseAsync(null, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketConnectionException or InvalidOperationException or ObjectDisposedException or RealtimeConnectionLostException)
        {
            // The session is ending, or the connection the calls came from was lost; the outputs have nowhere to go.
        }
    }

    private static string JsonSerializerError(string message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The number of bytes <paramref name="data"/> decodes to, without decoding it.</summary>
    internal static long DecodedLength(Base64Data data) => data.IsEncoded ? DecodedLength(data.EncodedUtf8.Span) : data.MaxDecodedLength;

    /// <summary>The number of bytes the base64 <paramref name="text"/> decodes to, from its length and padding.</summary>
    internal static long DecodedLength(ReadOnlySpan<byte> text)
    {
        int padding = text.Length == 0 ? 0 : text[^1] != '=' ? 0 : text.Length > 1 && text[^2] == '=' ? 2 : 1;
        return (text.Length / 4 * 3) - padding;
    }
}
