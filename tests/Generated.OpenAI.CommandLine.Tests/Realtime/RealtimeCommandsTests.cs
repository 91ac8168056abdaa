using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary><c>openai realtime transcribe|translate|talk|sample</c> in process, against the built-in simulator.</summary>
public sealed class RealtimeCommandsTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        CliRun run = await CliRun.RunAsync(null, ["realtime", .. args]);
        return (run.Exit, run.Stdout, run.Stderr);
    }

    [Fact(Timeout = 60000)]
    public async Task Sample_transcribe_translate_and_talk_run_against_the_simulator()
    {
        string dir = TempDirectory();
        string sample = Path.Combine(dir, "sample.wav");
        (int exit, string output, _) = await RunAsync("sample", "--output", sample);
        Assert.Equal(0, exit);
        Assert.Contains("sample.wav", output);
        byte[] pcm = SampleAudio.CreatePcm16();
        Assert.Equal(pcm, ReadPcm16Mono24k(sample));

        string transcript = Path.Combine(dir, "transcript.txt");
        (exit, output, string error) = await RunAsync("transcribe", "--input", sample, "--output", transcript, "--fast", "--simulator");
        Assert.True(exit == 0, error);
        Assert.Contains("built-in realtime simulator", error);
        string expected = SimulatedText.Transcript(1, pcm.Length);
        Assert.Equal(expected + Environment.NewLine, output);
        Assert.Equal(expected + Environment.NewLine, await File.ReadAllTextAsync(transcript));

        string translated = Path.Combine(dir, "out.wav");
        string translatedText = Path.Combine(dir, "out.txt");
        (exit, output, error) = await RunAsync("translate", "--input", sample, "--language", "es", "--output", translated, "--transcript", translatedText, "--fast", "--simulator");
        Assert.True(exit == 0, error);
        Assert.Equal(RealtimeSimulator.SimulateTranslation(pcm), ReadPcm16Mono24k(translated));
        string text = string.Concat(Enumerable.Range(1, 10).Select(i => SimulatedText.TranslationOutput("es", i)));
        Assert.Equal(text + Environment.NewLine, output);
        Assert.Equal(text + Environment.NewLine, await File.ReadAllTextAsync(translatedText));

        string answer = Path.Combine(dir, "answer.wav");
        string answerText = Path.Combine(dir, "answer.txt");
        (exit, output, error) = await RunAsync("talk", "--input", sample, "--output", answer, "--transcript", answerText, "--fast", "--simulator");
        Assert.True(exit == 0, error);
        Assert.Equal(pcm, ReadPcm16Mono24k(answer)); // the simulator echoes the committed audio
        Assert.Equal(SimulatedText.Answer(pcm.Length) + Environment.NewLine, output);
        Assert.Equal(SimulatedText.Answer(pcm.Length) + Environment.NewLine, await File.ReadAllTextAsync(answerText));
        Assert.Contains("sent 2.0 / 2.0 s", error);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Program_Main_writes_the_sample()
    {
        string dir = TempDirectory();
        string sample = Path.Combine(dir, "s.wav");
        Assert.Equal(0, await Program.Main(["realtime", "sample", "--output", sample, "--seconds", "0.5"]));
        Assert.Equal(SampleAudio.BytesPerSecond / 2, ReadPcm16Mono24k(sample).Length);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_missing_input_file_is_a_clear_error_with_exit_code_2()
    {
        (int exit, _, string error) = await RunAsync("transcribe", "--input", "/nonexistent/in.wav", "--fast", "--simulator");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("Input file not found: /nonexistent/in.wav", error);
    }

    [Theory]
    [InlineData("translate", "--input", "x.wav")]
    [InlineData("transcribe", "--input", "x.wav", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("transcribe", "--input", "x.wav", "--format", "yaml")]
    public async Task Usage_errors_exit_with_2_as_the_README_says(params string[] args)
    {
        (int exit, _, string error) = await RunAsync(args);
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.NotEqual("", error);
    }

    [Fact]
    public async Task A_missing_required_option_names_it()
    {
        (int exit, _, string error) = await RunAsync("translate", "--input", "x.wav");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("--output", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task An_empty_language_is_a_usage_error_without_a_stack_trace(string language)
    {
        string dir = TempDirectory();
        string sample = SampleAudio.WriteWav(Path.Combine(dir, "s.wav"), TimeSpan.FromSeconds(0.5));
        (int exit, _, string error) = await RunAsync("translate", "--input", sample, "--output", Path.Combine(dir, "o.wav"), "--language", language, "--fast", "--simulator");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("--language must not be empty", error);
        Assert.DoesNotContain(" at ", error);
        Assert.DoesNotContain("Streaming", error);
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("transcribe", "--output")]
    [InlineData("translate", "--output")]
    [InlineData("translate", "--transcript")]
    [InlineData("talk", "--output")]
    [InlineData("talk", "--transcript")]
    public async Task An_unwritable_output_is_found_before_connecting(string command, string option)
    {
        string dir = TempDirectory();
        string sample = SampleAudio.WriteWav(Path.Combine(dir, "s.wav"), TimeSpan.FromSeconds(30));
        string notADirectory = Path.Combine(dir, "file");
        await File.WriteAllTextAsync(notADirectory, "x");
        string unwritable = Path.Combine(notADirectory, "out.wav"); // under a regular file: unwritable even for root
        var args = new System.Collections.Generic.List<string> { command, "--input", sample, "--simulator" }; // real-time pace: 30 s if it streamed
        if (command != "transcribe" && option != "--output")
        {
            args.AddRange(["--output", Path.Combine(dir, "ok.wav")]);
        }

        args.AddRange([option, unwritable]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (int exit, _, string error) = await RunAsync([.. args]);
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains($"cannot write {option} {unwritable}", error);
        Assert.DoesNotContain("Streaming", error);
        Assert.DoesNotContain("simulator", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        Assert.False(File.Exists(Path.Combine(dir, "ok.wav")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task An_existing_output_file_survives_the_writability_check()
    {
        string dir = TempDirectory();
        string sample = SampleAudio.WriteWav(Path.Combine(dir, "s.wav"), TimeSpan.FromSeconds(0.5));
        string existing = Path.Combine(dir, "keep.wav");
        await File.WriteAllTextAsync(existing, "keep");
        string unwritable = Path.Combine(sample, "t.txt");
        (int exit, _, _) = await RunAsync("translate", "--input", sample, "--output", existing, "--transcript", unwritable, "--simulator");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Equal("keep", await File.ReadAllTextAsync(existing));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Stereo_44_1_kHz_is_mixed_down_and_resampled_to_24_kHz_mono()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "stereo.wav");
        using (WavWriter writer = WavWriter.Create(path, new WavFormat(WavSampleEncoding.Pcm, 44100, 2, 16)))
        {
            var frame = new byte[4];
            for (int i = 0; i < 44100; i++)
            {
                short left = (short)(8000 * Math.Sin(2 * Math.PI * 300 * i / 44100.0));
                BitConverter.TryWriteBytes(frame.AsSpan(0, 2), left);
                BitConverter.TryWriteBytes(frame.AsSpan(2, 2), left);
                writer.Write(frame);
            }
        }

        byte[] pcm = ReadPcm16Mono24k(path);
        Assert.Equal(24000 * 2, pcm.Length);
        short peak = 0;
        for (int i = 2000; i < pcm.Length - 2000; i += 2)
        {
            peak = Math.Max(peak, BitConverter.ToInt16(pcm, i));
        }

        Assert.InRange(peak, 7900, 8100); // same amplitude: mixed (averaged), not summed or dropped
        Directory.Delete(dir, recursive: true);
    }

    [Fact(Timeout = 60000)]
    public async Task A_WAVE_FORMAT_EXTENSIBLE_48_kHz_stereo_file_is_transcribed()
    {
        // sox, ffmpeg and Windows write plain 16-bit stereo as WAVE_FORMAT_EXTENSIBLE: the CLI once refused it.
        string dir = TempDirectory();
        string path = Path.Combine(dir, "extensible.wav");
        var format = new WavFormat(WavSampleEncoding.Pcm, 48000, 2, 16) { IsExtensible = true, ChannelMask = 3 };
        using (WavWriter writer = WavWriter.Create(path, format))
        {
            byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(0.5)); // 24 kHz mono: each sample twice, in both channels
            var frames = new byte[pcm.Length * 4];
            for (int i = 0; i < pcm.Length / 2; i++)
            {
                for (int copy = 0; copy < 4; copy++)
                {
                    frames[(8 * i) + (2 * copy)] = pcm[2 * i];
                    frames[(8 * i) + (2 * copy) + 1] = pcm[(2 * i) + 1];
                }
            }

            writer.Write(frames);
        }

        Assert.Equal(0xFFFE, BitConverter.ToUInt16(File.ReadAllBytes(path), 20));
        (int exit, string output, string error) = await RunAsync("transcribe", "--input", path, "--fast", "--simulator");
        Assert.True(exit == 0, error);
        Assert.Contains("sent 0.5 / 0.5 s", error);
        Assert.NotEqual("", output.Trim());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_file_that_is_not_WAV_is_an_input_error_that_says_why()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "song.wav");
        await File.WriteAllBytesAsync(path, [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        (int exit, _, string error) = await RunAsync("transcribe", "--input", path, "--fast", "--simulator");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("Not a WAV file", error);
        Assert.DoesNotContain(" at ", error);
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The whole of a (short) WAV file as 24 kHz mono PCM16, through the audio package.</summary>
    private static byte[] ReadPcm16Mono24k(string path)
    {
        using Pcm16MonoStream stream = WavAudio.OpenPcm16Mono24k(path);
        var pcm = new MemoryStream();
        stream.CopyTo(pcm);
        return pcm.ToArray();
    }
}
