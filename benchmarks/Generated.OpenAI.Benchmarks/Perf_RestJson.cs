using System;
using System.ClientModel.Primitives;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// Reading and writing large REST bodies: a Responses API <c>response</c> (40 rounds of reasoning, web search,
/// function call and message items, about 70 KB) and a <c>chat.completion</c> (16 choices, each with text,
/// three tool calls and 64 log-probabilities, about 220 KB); see <see cref="RestPayloads"/>.
/// Ours: the generated models (<see cref="JsonModel.Deserialize{T}(ReadOnlySpan{byte})"/>,
/// <see cref="JsonModel.SerializeToUtf8Bytes{T}(T)"/>). Baseline: the official <c>OpenAI</c> 2.15.0 through
/// <see cref="ModelReaderWriter"/> with <c>OpenAIContext.Default</c>, from and to <see cref="BinaryData"/>, which is
/// what its clients do with a response body. Both sides go from UTF-8 bytes to a model graph and back to a fresh
/// byte array.
/// </summary>
/// <remarks>
/// Exempt from the zero-allocation gate (<see cref="Program.NoAllocationGate"/>): building a model graph allocates
/// by nature; the target here is at most half the official SDK's allocations.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[BenchmarkCategory(Program.NoAllocationGate)]
public class Perf_RestJson
{
    private const string Deserialize = "deserialize";
    private const string Serialize = "serialize";
    private const string SerializeReused = "serialize, reused writer";

    private byte[] _json = [];
    private BinaryData _jsonData = null!;
    private Response _oursResponse = null!;
    private CreateChatCompletionResponse _oursChat = null!;
    private global::OpenAI.Responses.ResponseResult _officialResponse = null!;
    private global::OpenAI.Chat.ChatCompletion _officialChat = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1024 * 1024);
    private System.Text.Json.Utf8JsonWriter _writer = null!;

    [Params("responses", "chat")]
    public string Payload { get; set; } = "responses";

    [GlobalSetup]
    public void Setup()
    {
        _json = Payload == "responses" ? RestPayloads.CreateResponse(rounds: 40) : RestPayloads.CreateChatCompletion(choices: 16, tokens: 64);
        _jsonData = BinaryData.FromBytes(_json);
        _writer = new System.Text.Json.Utf8JsonWriter(_buffer, JsonModel.WriterOptions);
        _oursResponse = JsonModel.Deserialize<Response>(RestPayloads.CreateResponse(rounds: 40));
        _oursChat = JsonModel.Deserialize<CreateChatCompletionResponse>(RestPayloads.CreateChatCompletion(choices: 16, tokens: 64));
        _officialResponse = ModelReaderWriter.Read<global::OpenAI.Responses.ResponseResult>(BinaryData.FromBytes(RestPayloads.CreateResponse(rounds: 40)), ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default)!;
        _officialChat = ModelReaderWriter.Read<global::OpenAI.Chat.ChatCompletion>(BinaryData.FromBytes(RestPayloads.CreateChatCompletion(choices: 16, tokens: 64)), ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default)!;

        // Both sides must have read the whole payload, not a prefix of it.
        if (_oursResponse.Output.Count != 160 || _officialResponse.OutputItems.Count != 160
            || _oursChat.Choices.Count != 16 || _officialChat.ToolCalls.Count != 3 || _officialChat.ContentTokenLogProbabilities.Count != 64)
        {
            throw new InvalidOperationException("A payload was not read completely.");
        }

        if (OursSerialize().Length < _json.Length * 9 / 10 || OfficialSerialize().Length < _json.Length * 9 / 10)
        {
            throw new InvalidOperationException("A serializer dropped part of the payload.");
        }
    }

    [Benchmark(Baseline = true, Description = "official: ModelReaderWriter.Read")]
    [BenchmarkCategory(Deserialize)]
    public object OfficialDeserialize() => Payload == "responses"
        ? ModelReaderWriter.Read<global::OpenAI.Responses.ResponseResult>(_jsonData, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default)!
        : ModelReaderWriter.Read<global::OpenAI.Chat.ChatCompletion>(_jsonData, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default)!;

    [Benchmark(Description = "ours: JsonModel.Deserialize")]
    [BenchmarkCategory(Deserialize)]
    public object OursDeserialize() => Payload == "responses"
        ? JsonModel.Deserialize<Response>(_json)
        : JsonModel.Deserialize<CreateChatCompletionResponse>(_json);

    [Benchmark(Baseline = true, Description = "official: ModelReaderWriter.Write")]
    [BenchmarkCategory(Serialize)]
    public ReadOnlyMemory<byte> OfficialSerialize() => Payload == "responses"
        ? ModelReaderWriter.Write(_officialResponse, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default).ToMemory()
        : ModelReaderWriter.Write(_officialChat, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default).ToMemory();

    [Benchmark(Description = "ours: JsonModel.SerializeToUtf8Bytes")]
    [BenchmarkCategory(Serialize)]
    public ReadOnlyMemory<byte> OursSerialize() => Payload == "responses"
        ? JsonModel.SerializeToUtf8Bytes(_oursResponse)
        : JsonModel.SerializeToUtf8Bytes(_oursChat);

    /// <summary>The official models' own <c>IJsonModel&lt;T&gt;.Write</c> into a reused writer and buffer (what a caller that owns the output does).</summary>
    [Benchmark(Baseline = true, Description = "official: IJsonModel<T>.Write, reused writer")]
    [BenchmarkCategory(SerializeReused)]
    public int OfficialSerializeReused()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        if (Payload == "responses")
        {
            ((System.ClientModel.Primitives.IJsonModel<global::OpenAI.Responses.ResponseResult>)_officialResponse).Write(_writer, ModelReaderWriterOptions.Json);
        }
        else
        {
            ((System.ClientModel.Primitives.IJsonModel<global::OpenAI.Chat.ChatCompletion>)_officialChat).Write(_writer, ModelReaderWriterOptions.Json);
        }

        _writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>The generated <c>WriteJson</c> into the same kind of reused writer and buffer.</summary>
    [Benchmark(Description = "ours: WriteJson, reused writer")]
    [BenchmarkCategory(SerializeReused)]
    public int OursSerializeReused()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        if (Payload == "responses")
        {
            _oursResponse.WriteJson(_writer);
        }
        else
        {
            _oursChat.WriteJson(_writer);
        }

        _writer.Flush();
        return _buffer.WrittenCount;
    }
}
