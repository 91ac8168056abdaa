using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Writes the realtime audio-append client event <c>{"event_id":"..","type":"..","audio":"&lt;base64 PCM16&gt;"}</c>
/// (event_id optional) as UTF-8 JSON straight into a caller-provided span, base64-encoding the PCM with
/// <see cref="Base64.EncodeToUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/>: no string, no
/// intermediate buffer, no allocation. PCM is 16-bit little-endian, as the API expects. All members are
/// stateless and thread-safe; spans are only borrowed for the duration of a call.
/// </summary>
/// <remarks>
/// The event type is the caller's: the runtime names no realtime event. Pass the generated constant of the event
/// (for example <c>RealtimeAudioBufferAppend.TypeUtf8</c> for <c>input_audio_buffer.append</c>, or
/// <c>RealtimeTranslationAudioAppend.TypeUtf8</c> for translation sessions).
/// </remarks>
public static class RealtimeAudioEvents
{
    private const int EncodeChunk = 3 * 256;

    // What a verbatim type or id must not contain: control characters, the quote and the backslash.
    private static readonly SearchValues<byte> s_needsEscaping = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\"\\"u8);

    private static ReadOnlySpan<byte> EventIdPrefix => "\"event_id\":\""u8;

    private static ReadOnlySpan<byte> TypePrefix => "\"type\":\""u8;

    private static ReadOnlySpan<byte> AudioPrefix => "\",\"audio\":\""u8;

    /// <summary>
    /// The exact UTF-8 length of the event for <paramref name="pcmByteLength"/> bytes of PCM.
    /// <paramref name="eventType"/> and <paramref name="eventId"/> are written verbatim, so they must not need JSON
    /// escaping (no control characters, quotes or backslashes); an empty <paramref name="eventId"/> omits the property.
    /// </summary>
    public static int GetAppendEventLength(ReadOnlySpan<byte> eventType, int pcmByteLength, ReadOnlySpan<byte> eventId = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pcmByteLength);
        return GetLength(eventType.Length, pcmByteLength, eventId.Length);
    }

    /// <summary>
    /// Writes the event for little-endian PCM16 bytes into <paramref name="destination"/> and returns the number
    /// of bytes written (equal to <see cref="GetAppendEventLength(ReadOnlySpan{byte}, int, ReadOnlySpan{byte})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The destination is too small, or the type or id would need JSON escaping.</exception>
    public static int WriteAppendEvent(Span<byte> destination, ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> pcm, ReadOnlySpan<byte> eventId = default)
    {
        int position = WritePrefix(destination, eventType, pcm.Length, eventId);
        position += EncodeBase64(pcm, destination.Slice(position));
        return WriteSuffix(destination, position);
    }

    /// <summary>Writes the event for PCM16 samples (serialized little-endian whatever the machine's byte order).</summary>
    /// <exception cref="ArgumentException">The destination is too small, or the type or id would need JSON escaping.</exception>
    public static int WriteAppendEvent(Span<byte> destination, ReadOnlySpan<byte> eventType, ReadOnlySpan<short> pcm, ReadOnlySpan<byte> eventId = default)
    {
        int position = WritePrefix(destination, eventType, checked(pcm.Length * 2), eventId);
        position += EncodeBase64(pcm, destination.Slice(position));
        return WriteSuffix(destination, position);
    }

    /// <summary>
    /// <see cref="GetAppendEventLength(ReadOnlySpan{byte}, int, ReadOnlySpan{byte})"/> that also checks the type and
    /// the id (the one validation of a send: <c>WriteMaskedAppendEvent</c> trusts what passed here).
    /// </summary>
    /// <exception cref="ArgumentException">The type or the id would need JSON escaping.</exception>
    internal static int GetValidatedAppendEventLength(ReadOnlySpan<byte> eventType, int pcmByteLength, ReadOnlySpan<byte> eventId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pcmByteLength);
        ValidateVerbatim(eventType, nameof(eventType));
        ValidateVerbatim(eventId, nameof(eventId));
        return GetLength(eventType.Length, pcmByteLength, eventId.Length);
    }

    /// <summary>
    /// Writes the event for little-endian PCM16 bytes into <paramref name="destination"/>, which is exactly the
    /// event's length and belongs to the caller's send buffer, masked as the payload of a client frame (RFC 6455
    /// section 5.3, from key byte 0). The caller has checked the type and the id with
    /// <see cref="GetValidatedAppendEventLength"/>; nothing is validated again here.
    /// </summary>
    internal static void WriteMaskedAppendEvent(Span<byte> destination, ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> pcm, ReadOnlySpan<byte> eventId, int maskKey)
    {
        int position = WritePrefixUnchecked(destination, eventType, eventId);
        int maskOffset = WebSocketMask.Apply(destination.Slice(0, position), maskKey, 0);
        maskOffset = MaskedBase64.EncodeToUtf8Masked(pcm, destination.Slice(position), maskKey, maskOffset, out int written);
        position += written;
        WriteSuffix(destination, position);
        WebSocketMask.Apply(destination.Slice(position), maskKey, maskOffset);
    }

    /// <summary>The PCM16-sample overload of <see cref="WriteMaskedAppendEvent(Span{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, int)"/>.</summary>
    internal static void WriteMaskedAppendEvent(Span<byte> destination, ReadOnlySpan<byte> eventType, ReadOnlySpan<short> pcm, ReadOnlySpan<byte> eventId, int maskKey)
    {
        if (BitConverter.IsLittleEndian)
        {
            WriteMaskedAppendEvent(destination, eventType, MemoryMarshal.AsBytes(pcm), eventId, maskKey);
            return;
        }

        int position = WritePrefixUnchecked(destination, eventType, eventId);
        position += EncodeBase64(pcm, destination.Slice(position));
        WriteSuffix(destination, position);
        WebSocketMask.Apply(destination, maskKey, 0);
    }

    private static int GetLength(int typeLength, int pcmByteLength, int eventIdLength)
    {
        long length = 1L + TypePrefix.Length + typeLength + AudioPrefix.Length + Base64.GetMaxEncodedToUtf8Length(pcmByteLength) + 2;
        if (eventIdLength > 0)
        {
            length += EventIdPrefix.Length + eventIdLength + 2; // `"event_id":"` id `",`
        }

        return checked((int)length);
    }

    private static int WritePrefix(Span<byte> destination, ReadOnlySpan<byte> eventType, int pcmByteLength, ReadOnlySpan<byte> eventId)
    {
        ValidateVerbatim(eventType, nameof(eventType));
        ValidateVerbatim(eventId, nameof(eventId));
        int eventIdLength = eventId.Length;
        int total = GetLength(eventType.Length, pcmByteLength, eventIdLength);
        if (destination.Length < total)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the event needs {total}.", nameof(destination));
        }

        return WritePrefixUnchecked(destination, eventType, eventId);
    }

    /// <summary>Writes <c>{"event_id":"..","type":"..","audio":"</c>; the destination is known to hold the event.</summary>
    private static int WritePrefixUnchecked(Span<byte> destination, ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> eventId)
    {
        int eventIdLength = eventId.Length;
        int position = 0;
        destination[position++] = (byte)'{';
        if (eventIdLength > 0)
        {
            EventIdPrefix.CopyTo(destination.Slice(position));
            position += EventIdPrefix.Length;
            eventId.CopyTo(destination.Slice(position));
            position += eventIdLength;
            destination[position++] = (byte)'"';
            destination[position++] = (byte)',';
        }

        TypePrefix.CopyTo(destination.Slice(position));
        position += TypePrefix.Length;
        eventType.CopyTo(destination.Slice(position));
        position += eventType.Length;
        AudioPrefix.CopyTo(destination.Slice(position));
        return position + AudioPrefix.Length;
    }

    private static int WriteSuffix(Span<byte> destination, int position)
    {
        destination[position++] = (byte)'"';
        destination[position++] = (byte)'}';
        return position;
    }

    private static int EncodeBase64(ReadOnlySpan<byte> pcm, Span<byte> destination)
    {
        Base64.EncodeToUtf8(pcm, destination, out _, out int written);
        return written;
    }

    private static int EncodeBase64(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            return EncodeBase64(MemoryMarshal.AsBytes(pcm), destination);
        }

        // Big-endian machines: swap through a small stack buffer, in chunks that are a multiple of 3 bytes
        // (and of 2, for whole samples) so only the last chunk can carry base64 padding.
        Span<short> swapped = stackalloc short[EncodeChunk / 2];
        int written = 0;
        while (!pcm.IsEmpty)
        {
            int count = Math.Min(pcm.Length, swapped.Length);
            BinaryPrimitives.ReverseEndianness(pcm.Slice(0, count), swapped.Slice(0, count));
            pcm = pcm.Slice(count);
            Base64.EncodeToUtf8(MemoryMarshal.AsBytes(swapped.Slice(0, count)), destination.Slice(written), out _, out int chunk, isFinalBlock: pcm.IsEmpty);
            written += chunk;
        }

        return written;
    }

    private static void ValidateVerbatim(ReadOnlySpan<byte> value, string paramName)
    {
        if (value.ContainsAny(s_needsEscaping))
        {
            ThrowNeedsEscaping(paramName);
        }
    }

    private static void ThrowNeedsEscaping(string paramName)
    {
        throw new ArgumentException("The value would need JSON escaping; use characters other than control characters, quotes and backslashes.", paramName);
    }
}
