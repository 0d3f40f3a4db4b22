"""Movement result reports (Báo cáo kết quả thực hiện phong trào): the guide's example."""
