from unittest import mock

import boto3


def test_summarise_sends_the_ticket():
    runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
    with mock.patch.object(runtime, "converse") as converse:
        runtime.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[])
        converse.assert_called_once()
