using System;
using System.Buffers.Binary;
using System.Text;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// Inputs shared by the realtime audio benchmarks: PCM16 (24 kHz mono, so 4,800 bytes = 100 ms) and the server's
/// <c>response.output_audio.delta</c> event carrying it, shaped like the API sends it (<c>delta</c> last).
/// </summary>
internal static class AudioSamples
{
    /// <summary>20 ms, 100 ms and 1 s of 24 kHz mono PCM16.</summary>
    public const int Pcm20Ms = 960;
    public const int Pcm100Ms = 4_800;
    public const int Pcm1S = 48_000;

    /// <summary>
    /// The voice agent's append type, <c>input_audio_buffer.append</c>, from the generated constant, as an array (made
    /// once) for <c>SendAudioAppendAsync</c>, which keeps it until the send completes.
    /// </summary>
    public static readonly ReadOnlyMemory<byte> AppendType = RealtimeAudioBufferAppend.TypeUtf8.ToArray();

    /// <summary>Deterministic noise: every byte value occurs, so the base64 uses the whole alphabet (including '+' and '/').</summary>
    public static byte[] CreatePcm(int length)
    {
        byte[] pcm = new byte[length];
        new Random(42).NextBytes(pcm);
        return pcm;
    }

    /// <summary>A <c>response.output_audio.delta</c> event for <paramref name="pcm"/>, as UTF-8 JSON.</summary>
    public static byte[] CreateOutputAudioDelta(ReadOnlySpan<byte> pcm)
        => Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_CRz9pTq1mXf0bV2aLk3Jd\",\"response_id\":\"resp_CRz9pSGx7hQ1oWn4Yt6Ue\","
            + "\"item_id\":\"item_CRz9pR8kVb2NcMz5Xa7Gf\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");

    /// <summary>An unmasked, final server text frame (RFC 6455 section 5.2) carrying <paramref name="payload"/>.</summary>
    public static byte[] CreateServerTextFrame(ReadOnlySpan<byte> payload)
    {
        int headerLength = payload.Length <= 125 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        byte[] frame = new byte[headerLength + payload.Length];
        frame[0] = 0x81;
        if (headerLength == 2)
        {
            frame[1] = (byte)payload.Length;
        }
        else if (headerLength == 4)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }
}
