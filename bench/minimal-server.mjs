// The baseline for the cold-start benchmark: a minimal SDK server with one tool, as the SDK README
// writes it (unbundled, straight from node_modules).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod';

const server = new McpServer({ name: 'minimal', version: '1.0.0' });
server.registerTool('echo', { title: 'Echo', description: 'Echo the text back', inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: 'text', text }],
}));
process.stdin.on('end', () => process.exit(0));
await server.connect(new StdioServerTransport());
