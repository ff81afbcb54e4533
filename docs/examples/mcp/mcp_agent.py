"""An agent calling an MCP server that agent-auth protects; Python 3.9+, standard library only.

It asks the MCP server without a token, learns from the 401 which auth server issues its
tokens and under which resource identifier (RFC 9728), gets a token for that server alone
(RFC 8707) and calls its `whoami` tool. It needs agent_auth.py beside it or on PYTHONPATH:

    curl -O http://127.0.0.1:8080/clients/python/agent_auth.py   # the client of that server, beside this file
    AGENT_AUTH_SERVER=http://127.0.0.1:8080 AGENT_AUTH_USERNAME=agent-1 \
    AGENT_AUTH_PASSWORD='its secret' MCP_URL=http://127.0.0.1:8081/mcp python3 mcp_agent.py
"""

import os

from agent_auth import AgentAuthClient, discover

mcp_url = os.environ["MCP_URL"]
# The servers this agent holds credentials for: its secret goes to no other, whatever a service says.
found = discover(mcp_url, servers=[os.environ["AGENT_AUTH_SERVER"]], method="POST")
print("tokens for", found.resource, "come from", found.server)

with AgentAuthClient(server=found.server, username=os.environ["AGENT_AUTH_USERNAME"],
                     resource=found.resource) as auth:  # secret from AGENT_AUTH_PASSWORD
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}
    reply = auth.request("POST", mcp_url, json=call, headers={"Accept": "application/json, text/event-stream"})
    print(reply.status, reply.json()["result"]["content"][0]["text"])
