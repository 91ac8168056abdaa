using System;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// Audio deltas numbered by index, each with PCM of its own, so that a lent delta whose bytes were reused (overwritten
/// by a later receive) shows: the lending tests send them and compare what the app decodes with <see cref="Pcm"/>.
/// </summary>
internal static class NumberedAudioDeltas
{
    /// <summary>The PCM of delta <paramref name="index"/>: bytes that differ from every other index's.</summary>
    public static byte[] Pcm(int index, int length)
    {
        byte[] pcm = new byte[length];
        for (int k = 0; k < pcm.Length; k++)
        {
            pcm[k] = (byte)(index * 37 + k % 253);
        }

        return pcm;
    }

    /// <summary>A <c>response.output_audio.delta</c> with <c>event_id</c> <c>event_{index}</c> carrying <see cref="Pcm"/>.</summary>
    public static string Delta(int index, int pcmBytes)
        => $$"""{"type":"response.output_audio.delta","event_id":"event_{{index}}","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(Pcm(index, pcmBytes))}}"}""";

    /// <summary>The PCM the app reads from a typed delta (asserting that its base64 decodes).</summary>
    public static byte[] Decode(RealtimeServerEvent e)
    {
        Base64Data audio = e.AsResponseOutputAudioDelta().Delta;
        byte[] pcm = new byte[audio.EncodedUtf8.Length];
        Assert.Equal(System.Buffers.OperationStatus.Done, audio.TryDecode(pcm, out int written));
        return pcm.AsSpan(0, written).ToArray();
    }
}
