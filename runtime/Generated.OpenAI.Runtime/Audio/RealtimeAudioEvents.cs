using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;

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
        foreach (byte b in value)
        {
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\')
            {
                throw new ArgumentException("The value would need JSON escaping; use characters other than control characters, quotes and backslashes.", paramName);
            }
        }
    }
}
