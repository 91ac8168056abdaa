using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Xunit;

namespace Generated.OpenAI.Simulator.Tests;

public sealed class SampleAudioTests
{
    [Fact]
    public void Speech_like_audio_is_deterministic_and_not_silent()
    {
        byte[] a = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(2));
        byte[] b = SampleAudio.CreatePcm16();
        Assert.Equal(2 * SampleAudio.BytesPerSecond, a.Length);
        Assert.Equal(a, b);
        short peak = Enumerable.Range(0, a.Length / 2).Max(i => Math.Abs(BinaryPrimitives.ReadInt16LittleEndian(a.AsSpan(i * 2))));
        Assert.InRange(peak, 8000, short.MaxValue);
        Assert.Equal(TimeSpan.FromSeconds(2), SampleAudio.DurationOf(a.Length));
    }

    [Fact]
    public void Wav_file_has_a_riff_header_and_round_trips()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.wav");
        try
        {
            SampleAudio.WriteWav(path, TimeSpan.FromSeconds(1));
            byte[] wav = File.ReadAllBytes(path);
            Assert.Equal(44 + SampleAudio.BytesPerSecond, wav.Length);
            Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
            Assert.Equal("WAVE"u8.ToArray(), wav[8..12]);
            Assert.Equal(wav.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4)));
            Assert.Equal(24000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
            Assert.Equal(48000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(28)));
            Assert.True(SampleAudio.TryGetPcm16(wav, out ReadOnlyMemory<byte> pcm, out int rate, out int channels));
            Assert.Equal(24000, rate);
            Assert.Equal(1, channels);
            Assert.Equal(SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1)), pcm.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Simulated_translation_negates_samples()
    {
        byte[] pcm = new byte[6];
        BinaryPrimitives.WriteInt16LittleEndian(pcm, 1000);
        BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2), short.MinValue);
        BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(4), -7);
        byte[] translated = RealtimeSimulator.SimulateTranslation(pcm);
        Assert.Equal(-1000, BinaryPrimitives.ReadInt16LittleEndian(translated));
        Assert.Equal(short.MaxValue, BinaryPrimitives.ReadInt16LittleEndian(translated.AsSpan(2)));
        Assert.Equal(7, BinaryPrimitives.ReadInt16LittleEndian(translated.AsSpan(4)));
    }

    [Fact]
    public void Simulated_text_pieces_concatenate_back_verbatim()
    {
        string text = SimulatedText.Transcript(3, 48000);
        Assert.Equal("Simulated transcript 3 of 1.00 seconds of audio.", text);
        Assert.Equal(text, string.Concat(SimulatedText.Pieces(text)));
        Assert.Equal(8, SimulatedText.Pieces(text).Count);
    }
}
