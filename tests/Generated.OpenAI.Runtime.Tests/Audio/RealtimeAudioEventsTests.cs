using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Audio;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Audio;

public sealed class RealtimeAudioEventsTests
{
    public static TheoryData<int> PcmSizes => new() { 0, 1, 2, 3, 960, 4_800, 48_000 };

    [Theory]
    [MemberData(nameof(PcmSizes))]
    public void Append_event_parses_as_json_and_the_audio_decodes_back_to_the_pcm(int size)
    {
        byte[] pcm = new byte[size];
        new Random(size).NextBytes(pcm);
        int length = RealtimeAudioEvents.GetAppendEventLength(RealtimeEventTypes.InputAudioBufferAppend, size);
        byte[] destination = new byte[length + 10];
        int written = RealtimeAudioEvents.WriteAppendEvent(destination, RealtimeEventTypes.InputAudioBufferAppend, pcm);
        Assert.Equal(length, written);

        using JsonDocument json = JsonDocument.Parse(destination.AsMemory(0, written));
        Assert.Equal("input_audio_buffer.append", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(pcm, json.RootElement.GetProperty("audio").GetBytesFromBase64());
        Assert.False(json.RootElement.TryGetProperty("event_id", out _));
    }

    [Theory]
    [MemberData(nameof(PcmSizes))]
    public void Translation_event_with_event_id_and_sample_overload(int size)
    {
        short[] samples = new short[size / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)((i * 7919) - 16000);
        }

        byte[] expectedPcm = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(expectedPcm.AsSpan(i * 2), samples[i]);
        }

        int length = RealtimeAudioEvents.GetAppendEventLength(RealtimeEventTypes.SessionInputAudioBufferAppend, samples.Length * 2, Encoding.UTF8.GetBytes("evt_\u00e9_1"));
        byte[] destination = new byte[length];
        int written = RealtimeAudioEvents.WriteAppendEvent(destination, RealtimeEventTypes.SessionInputAudioBufferAppend, (ReadOnlySpan<short>)samples, Encoding.UTF8.GetBytes("evt_\u00e9_1"));
        Assert.Equal(length, written);

        using JsonDocument json = JsonDocument.Parse(destination);
        Assert.StartsWith("{\"event_id\":", Encoding.UTF8.GetString(destination), StringComparison.Ordinal);
        Assert.Equal("evt_\u00e9_1", json.RootElement.GetProperty("event_id").GetString());
        Assert.Equal("session.input_audio_buffer.append", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(expectedPcm, json.RootElement.GetProperty("audio").GetBytesFromBase64());
    }

    [Fact]
    public void Byte_and_sample_overloads_produce_identical_output()
    {
        short[] samples = [1, -1, short.MaxValue, short.MinValue, 0x1234];
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes<short>(samples);
        byte[] a = new byte[200];
        byte[] b = new byte[200];
        int wa = RealtimeAudioEvents.WriteAppendEvent(a, RealtimeEventTypes.InputAudioBufferAppend, samples.AsSpan(), "e1"u8);
        int wb = RealtimeAudioEvents.WriteAppendEvent(b, RealtimeEventTypes.InputAudioBufferAppend, bytes, "e1"u8);
        Assert.Equal(a.AsSpan(0, wa).ToArray(), b.AsSpan(0, wb).ToArray());
        Assert.Equal("{\"event_id\":\"e1\",\"type\":\"input_audio_buffer.append\",\"audio\":\"AQD///9/AIA0Eg==\"}", Encoding.UTF8.GetString(a, 0, wa));
    }

    [Fact]
    public void Too_small_destination_and_values_needing_escapes_are_rejected()
    {
        byte[] pcm = new byte[10];
        int length = RealtimeAudioEvents.GetAppendEventLength(RealtimeEventTypes.InputAudioBufferAppend, pcm.Length);
        Assert.Throws<ArgumentException>(() => RealtimeAudioEvents.WriteAppendEvent(new byte[length - 1], RealtimeEventTypes.InputAudioBufferAppend, pcm));
        Assert.Throws<ArgumentException>(() => RealtimeAudioEvents.WriteAppendEvent(new byte[200], RealtimeEventTypes.InputAudioBufferAppend, pcm, "a\"b"u8));
        Assert.Throws<ArgumentException>(() => RealtimeAudioEvents.WriteAppendEvent(new byte[200], RealtimeEventTypes.InputAudioBufferAppend, pcm, "a\\b"u8));
    }
}
