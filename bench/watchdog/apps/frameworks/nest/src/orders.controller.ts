import { Controller, Get, Param } from '@nestjs/common';

@Controller()
export class OrdersController {
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('orders/:id')
  order(@Param('id') id: string): { id: string; total: number } {
    return { id, total: 42 };
  }
}
