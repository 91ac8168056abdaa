using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.WebSockets;

// Sending a JSON message serialized under the send lock: a caller that would otherwise keep a buffer of its own, and a
// lock of its own around it (the realtime sessions' typed events), takes one lock per message instead of two.
public sealed partial class WebSocketConnection
{
    // Owned by the connection and used only with the send lock held: the message is serialized here, then copied
    // (and masked) into the send pipe before the lock is released. Grows to the largest message sent.
    private ArrayBufferWriter<byte>? _jsonScratch;
    private Utf8JsonWriter? _jsonWriter;

    /// <summary>
    /// Sends one whole text message that <paramref name="write"/> serializes with a <see cref="Utf8JsonWriter"/>
    /// (<see cref="JsonModel.WriterOptions"/>). <paramref name="write"/> runs with the send lock held, so what it does
    /// is ordered with the send (a caller may register for the answer there); the writer and its buffer belong to the
    /// connection and are borrowed for the call only. An exception from <paramref name="write"/> sends nothing and
    /// comes out of this call. Cancellation follows <see cref="SendAsync"/>.
    /// </summary>
    /// <exception cref="WebSocketConnectionException">The connection is not open.</exception>
    internal ValueTask SendJsonAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken = default)
    {
        ThrowIfNotSendable();
        Task wait = _sendLock.WaitAsync(cancellationToken);
        if (!wait.IsCompletedSuccessfully)
        {
            return SendJsonAfterLockAsync(wait, state, write, cancellationToken);
        }

        return SendJsonLockedAsync(state, write, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendJsonAfterLockAsync<TState>(Task wait, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        await wait.ConfigureAwait(false);
        await SendJsonLockedAsync(state, write, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs with the send lock held: serializes into the scratch buffer, then sends it as one frame (which releases the lock).</summary>
    private ValueTask SendJsonLockedAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload;
        try
        {
            ArrayBufferWriter<byte> scratch = _jsonScratch ??= new ArrayBufferWriter<byte>(4096);
            scratch.ResetWrittenCount();
            // The writer always writes to the scratch buffer: Reset() clears its state (also after a write that threw)
            // and keeps that output, without storing it again on every message.
            Utf8JsonWriter writer = _jsonWriter ??= new Utf8JsonWriter(scratch, JsonModel.WriterOptions);
            writer.Reset();
            write(writer, state);
            writer.Flush();
            payload = scratch.WrittenMemory;
        }
        catch
        {
            _sendLock.Release();
            throw;
        }

        return SendFrameLockedAsync(Opcode.Text, endOfMessage: true, payload.Length, payload, state: (byte)0, write: null, writeMasked: null, cancellationToken);
    }
}
