using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// One batch the REST simulator runs: its status, timestamps, request counts, validation errors and result files.
/// </summary>
/// <remarks>Thread-safe: the lifecycle task writes and request handlers read under the instance lock.</remarks>
internal sealed class SimulatedBatch(string id, string endpoint, string inputFileId, JsonElement? metadata, long createdAt)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _timestamps = new(StringComparer.Ordinal);
    private readonly List<BatchValidationError> _errors = [];
    private readonly List<string> _history = ["validating"];
    private string _status = "validating";
    private string? _outputFileId;
    private string? _errorFileId;
    private int _total;
    private int _completed;
    private int _failed;

    public string Id { get; } = id;

    public string Endpoint { get; } = endpoint;

    public string InputFileId { get; } = inputFileId;

    public long CreatedAt { get; } = createdAt;

    /// <summary>Set by <c>POST /batches/{id}/cancel</c>; the lifecycle sees it at its next step.</summary>
    public bool CancelRequested { get; private set; }

    public string Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Every status the batch has had, in order (a poller may see only some of them).</summary>
    public IReadOnlyList<string> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    public void MoveTo(string status, long now)
    {
        lock (_gate)
        {
            _status = status;
            _history.Add(status);
            _timestamps[status + "_at"] = now;
        }
    }

    /// <summary>Marks the batch <c>cancelling</c> unless it already ended; returns whether the cancel took.</summary>
    public bool RequestCancel(long now)
    {
        lock (_gate)
        {
            if (_status is "completed" or "failed" or "expired" or "cancelled")
            {
                return false;
            }

            CancelRequested = true;
            _status = "cancelling";
            _history.Add("cancelling");
            _timestamps["cancelling_at"] = now;
            return true;
        }
    }

    public void Fail(IReadOnlyList<BatchValidationError> errors, long now)
    {
        lock (_gate)
        {
            _errors.AddRange(errors);
            _status = "failed";
            _history.Add("failed");
            _timestamps["failed_at"] = now;
        }
    }

    public void SetCounts(int total, int completed, int failed)
    {
        lock (_gate)
        {
            (_total, _completed, _failed) = (total, completed, failed);
        }
    }

    public void SetFiles(string? outputFileId, string? errorFileId)
    {
        lock (_gate)
        {
            (_outputFileId, _errorFileId) = (outputFileId, errorFileId);
        }
    }

    /// <summary>The OpenAI batch object.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("object", "batch");
            writer.WriteString("endpoint", Endpoint);
            writer.WriteNull("model");
            if (_errors.Count == 0)
            {
                writer.WriteNull("errors");
            }
            else
            {
                writer.WriteStartObject("errors");
                writer.WriteString("object", "list");
                writer.WriteStartArray("data");
                foreach (BatchValidationError error in _errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("code", error.Code);
                    writer.WriteString("message", error.Message);
                    writer.WriteString("param", error.Param);
                    if (error.Line is { } line)
                    {
                        writer.WriteNumber("line", line);
                    }
                    else
                    {
                        writer.WriteNull("line");
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteString("input_file_id", InputFileId);
            writer.WriteString("completion_window", "24h");
            writer.WriteString("status", _status);
            writer.WriteString("output_file_id", _outputFileId);
            writer.WriteString("error_file_id", _errorFileId);
            writer.WriteNumber("created_at", CreatedAt);
            foreach (string name in (ReadOnlySpan<string>)["in_progress_at", "expires_at", "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at"])
            {
                if (name == "expires_at")
                {
                    writer.WriteNumber(name, CreatedAt + 24 * 3600);
                }
                else if (_timestamps.TryGetValue(name, out long at))
                {
                    writer.WriteNumber(name, at);
                }
                else
                {
                    writer.WriteNull(name);
                }
            }

            writer.WriteStartObject("request_counts");
            writer.WriteNumber("total", _total);
            writer.WriteNumber("completed", _completed);
            writer.WriteNumber("failed", _failed);
            writer.WriteEndObject();
            if (metadata is { ValueKind: JsonValueKind.Object } value)
            {
                writer.WritePropertyName("metadata");
                value.WriteTo(writer);
            }
            else
            {
                writer.WriteNull("metadata");
            }

            writer.WriteEndObject();
        }
    }

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            WriteJson(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>An input-file problem that fails a batch in <c>validating</c> (OpenAI's <c>errors.data[]</c> item).</summary>
internal sealed record BatchValidationError(string Code, string Message, string? Param, int? Line);
